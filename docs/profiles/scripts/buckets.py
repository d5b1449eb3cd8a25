#!/usr/bin/env python3
"""buckets.py FILE.jfr [us_per_req]: each sample goes to the first frame from the top of its stack that names a bucket."""
import subprocess, sys, re, collections
f = sys.argv[1]; usreq = float(sys.argv[2]) if len(sys.argv) > 2 else None
out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '200', f],
                     capture_output=True, text=True).stdout
B = [
 ('MDC propagation (slf4j)', r'MdcPropagationContext|org\.slf4j\.MDC|LogbackMDCAdapter'),
 ('key lookup: parse+HMAC+cache', r'PresentedApiKey|BcryptSecretHasher|VerifiedKeys|KeyAuthentication|ApiKeyService\.alreadyVerified|ApiKeyId'),
 ('ApiKeyAuthenticationFetcher (rest)', r'ApiKeyAuthenticationFetcher'),
 ('RateLimitFilter', r'RateLimitFilter|RateLimit|Admission|AdmitRequest|LocalRateLimits|LeasedRateLimits'),
 ('TenantAccess', r'TenantAccess'),
 ('EdgeHeadersFilter', r'EdgeHeadersFilter'),
 ('token lookup (application)', r'io\.tokenbroker\.(application|domain)'),
 ('TokenController + response', r'io\.tokenbroker\.adapters\.http\.inbound\.(TokenController|TokenResponse|BenchController)'),
 ('other tokenbroker', r'io\.tokenbroker'),
 ('micrometer/metrics filter', r'micrometer|metrics\.binder'),
 ('micronaut-security', r'io\.micronaut\.security'),
 ('serde/jackson', r'io\.micronaut\.serde|com\.fasterxml'),
 ('propagation (other)', r'PropagatedContext|ReactivePropagation'),
 ('filters: find/sort/run', r'FilterRunner|findFilters|FilterRoute|FilterOrder|AroundLegacyFilter|MethodFilter'),
 ('routing + arguments', r'Router|RouteMatch|UriTemplate|ArgumentSatisfier|ArgumentBinder|RouteExecutor\.(findRouteMatch|fulfill)'),
 ('netty encode/write', r'HttpObjectEncoder|flush|write'),
 ('netty read/decode', r'HttpObjectDecoder|SocketChannelImpl\.read|NioByteUnsafe\.read'),
 ('micronaut http server (rest)', r'io\.micronaut\.http'),
 ('reactor', r'reactor\.'),
 ('netty (rest)', r'io\.netty'),
]
B = [(n, re.compile(p)) for n, p in B]
c = collections.Counter(); n = 0
for block in out.split('jdk.ExecutionSample {')[1:]:
    frames = [l.strip() for l in block.split('stackTrace = [')[1].split(']')[0].splitlines() if l.strip()]
    n += 1
    for fr in frames:
        hit = next((name for name, p in B if p.search(fr)), None)
        if hit: c[hit] += 1; break
    else: c['other (JVM, GC, idle)'] += 1
print(f'{n} samples' + (f', {usreq} us CPU/request' if usreq else ''))
for k, v in c.most_common():
    print(f'{v*100/n:5.1f}%' + (f'  {v/n*usreq:5.1f} us' if usreq else '') + f'  {k}')
