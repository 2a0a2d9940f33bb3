"""gunicorn for yorisoi (deploy/systemd/yorisoi-web.service; docs/deployment.md)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, 2 × cores + 1: a page is mostly Python (templates, decryption), the database answers in
# milliseconds; more workers than that only queue on the cores (measured: 2, 3 and 5 workers alike on 2 cores).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
timeout = 60
graceful_timeout = 30
# Recycle workers now and then (memory of large exports or pages does not stay).
max_requests = 2000
max_requests_jitter = 200
# Access log without the query string (a search's ?q= is a name): method, path, status, size, time in µs.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(D)s'
errorlog = "-"
forwarded_allow_ips = "127.0.0.1,::1"
