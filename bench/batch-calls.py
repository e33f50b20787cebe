# Writes CALLS calls of counting/apply-batch.lua as RESP (EVALSHA ...), laid out as counting/Batch.encode
# lays them out: views of new visitors over 5 000 long-tail articles (Zipf s=1, as bench/events-longtail.lua),
# EVENTS views per call, the calls going round 16 shards. No likes or shares; no address bound. Every view
# is direct (no referrer), as the wrk scripts send them: per article one source, counted in its hour hash.
#   python3 bench/batch-calls.py SHA CALLS EVENTS [watermark-suffix] > calls.resp
import base64, bisect, os, random, sys

sha, calls, events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
batcher = sys.argv[4] if len(sys.argv) > 4 else 'replay'
random.seed(7)
ARTICLES, SHARDS = 5000, 16
cdf, total = [], 0.0
for k in range(1, ARTICLES + 1):
    total += 1.0 / k
    cdf.append(total)
cdf = [c / total for c in cdf]


def resp(args):
    out = [b'*%d\r\n' % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out.append(b'$%d\r\n%s\r\n' % (len(a), a))
    return b''.join(out)


minute = 1764600000
hour = minute - minute % 3600
w = sys.stdout.buffer
for c in range(calls):
    shard = c % SHARDS
    tag = 'eng:{e3.%d}:' % shard
    views = {}
    n = 0
    while n < events:
        z = bisect.bisect_left(cdf, random.random()) + 1
        if z % SHARDS != shard:
            continue
        n += 1
        views.setdefault('lt-article-%d' % z, []).append(
            base64.urlsafe_b64encode(os.urandom(12)).decode().rstrip('='))
    keys = [tag + 'wm:' + batcher, tag + 'm:%d' % minute, tag + 'm:dirty'] \
        + [tag + 't:%s:5m:%d' % (m, minute) for m in ('views', 'likes', 'shares')] + [tag + 'da:1764599400000']
    # sequence, minute, dedup window, probation TTL, vouched TTL, vouching views, bucket TTL, expire buckets,
    # address bound, seen sets' TTL
    args = [str(c // SHARDS + 1), str(minute), '1800000', '86400', '2592000', '5', '90000', '0', '500', '2110000']
    for article, visitors in views.items():
        keys += [tag + 'a:' + article, tag + 'u:' + article, tag + 'l:' + article,
                 tag + 'ub:5m:%d:%s' % (minute, article), tag + 'dv:' + article, tag + 'sa:%d:%s' % (hour, article)]
        # id, flags (2 % refresh their TTLs), views, the visitors, no address pairs, no other events, one
        # source (all views the first)
        args += [article, '1' if random.random() < 0.02 else '0', str(len(visitors))] + visitors \
            + ['0', '0', '1', 'direct:direct', '']
    keys.append(tag + 'sb:%d' % hour)
    args += ['20', '200', '90000', '0']
    w.write(resp(['EVALSHA', sha, str(len(keys))] + keys + args))
