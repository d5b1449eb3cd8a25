#!/usr/bin/env python3
"""phases.py FILE.jfr: for sequential misses, arrival (event-loop read) -> upstream request written -> upstream answer read -> answer written."""
import subprocess, sys, re, statistics
import json
out = subprocess.run(['jfr', 'print', '--json', '--stack-depth', '1', '--events', 'jdk.SocketRead,jdk.SocketWrite', sys.argv[1]], capture_output=True, text=True).stdout
ev = []
def secs(iso):
    h, m, s = re.search(r'T(\d+):(\d+):([\d.]+)', iso).groups(); return int(h) * 3600 + int(m) * 60 + float(s)
def dur(d):
    m = re.match(r'PT(?:([\d.]+)S)?', d); return float(m.group(1) or 0)
for e in json.loads(out)['recording']['events']:
    v = e['values']; s = secs(v['startTime'])
    ev.append((s, s + dur(v['duration']), e['type'][4:], v['eventThread']['javaName'], str(v.get('port', ''))))
ev.sort()
rows = []; last_write = 0
for j, (s, e, kind, th, port) in enumerate(ev):
    # each upstream request: its first HttpClient write after the previous answer; the arrival is the last
    # event-loop read before it, the answer the first HttpClient read after it, the reply the event-loop write after
    if kind != 'SocketWrite' or 'HttpClient' not in th or s < last_write:
        continue
    a = [x for x in ev[:j] if x[2] == 'SocketRead' and 'eventLoop' in x[3]]
    r = next((x for x in ev[j:] if x[2] == 'SocketRead' and 'HttpClient' in x[3]), None)
    o = next((x for x in ev[j:] if r and x[0] > r[0] and x[2] == 'SocketWrite' and 'eventLoop' in x[3]), None)
    if not (a and r and o):
        continue
    arrival = a[-1][0]
    rows.append(((s - arrival) * 1000, (r[1] - s) * 1000, (o[1] - r[1]) * 1000, (o[1] - arrival) * 1000))
    last_write = o[1]
for r in rows: print('pre %6.2f  upstream %7.2f  post %6.2f  total %7.2f ms' % r)
if rows:
    print('median: pre %.2f  upstream %.2f  post %.2f  total %.2f  (n=%d)' % tuple([statistics.median(c) for c in zip(*rows)] + [len(rows)]))
