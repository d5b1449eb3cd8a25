#!/usr/bin/env python3
"""agg.py FILE.jfr [top]: top self frames, and inclusive shares of chosen frames, of jdk.ExecutionSample."""
import subprocess, sys, re, collections
f = sys.argv[1]; top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '200', f],
                     capture_output=True, text=True).stdout
samples = []
for block in out.split('jdk.ExecutionSample {')[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', block)
    frames = [re.sub(r'\(.*', '', l.strip()) for l in block.split('stackTrace = [')[1].split(']')[0].splitlines() if l.strip() and l.strip() != '...']
    samples.append((m.group(1) if m else '?', frames))
n = len(samples)
print(f'{n} samples')
threads = collections.Counter(re.sub(r'-?\d+', '#', t) for t, _ in samples)
print('threads:', ', '.join(f'{t} {c*100/n:.0f}%' for t, c in threads.most_common(6)))
self_ = collections.Counter(fr[0] for _, fr in samples if fr)
print('--- self (top of stack)')
for k, c in self_.most_common(top): print(f'{c*100/n:5.1f}%  {k}')
incl = collections.Counter()
for _, fr in samples:
    for k in set(fr): incl[k] += 1
print('--- inclusive, application + chosen framework frames')
pat = re.compile(sys.argv[3] if len(sys.argv) > 3 else r'tokenbroker|security|Filter|serde|Serializer|micrometer|Timer|MDC|logback|PropagatedContext|Executor|Crypt|MessageDigest|Cipher|lettuce|Router|RouteMatch|RequestLifecycle|HttpResponseEncoder|writeAndFlush|SocketChannelImpl|epoll|select')
for k, c in incl.most_common():
    if pat.search(k) and c * 100 / n >= 1.0: print(f'{c*100/n:5.1f}%  {k}')
