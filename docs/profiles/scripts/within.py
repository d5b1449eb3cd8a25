#!/usr/bin/env python3
"""within.py FILE.jfr REGEX [depth]: samples whose stack has a frame matching REGEX; the frames right below it (callees) by share of all samples."""
import subprocess, sys, re, collections
f, rx = sys.argv[1], re.compile(sys.argv[2]); depth = int(sys.argv[3]) if len(sys.argv) > 3 else 1
out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '200', f], capture_output=True, text=True).stdout
n = 0; c = collections.Counter(); hit = 0
for block in out.split('jdk.ExecutionSample {')[1:]:
    frames = [re.sub(r'\(.*', '', l.strip()) for l in block.split('stackTrace = [')[1].split(']')[0].splitlines() if l.strip()]
    n += 1
    idx = [i for i, fr in enumerate(frames) if rx.search(fr)]
    if not idx: continue
    hit += 1; i = idx[-1]
    c[' <- '.join(reversed(frames[max(0, i - depth):i])) or '(self)'] += 1
print(f'{hit*100/n:.1f}% of {n} samples under {sys.argv[2]}')
for k, v in c.most_common(25): print(f'{v*100/n:5.1f}%  {k}')
