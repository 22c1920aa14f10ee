"""gunicorn for production: `gunicorn -c deploy/gunicorn.conf.py samverkan.wsgi`.

Sized by WEB_CONCURRENCY (default: 2 × cores + 1 workers) of WEB_THREADS
threads each (default 4). Threads, so that a sign-in waiting for its
password check in the process's low-priority sign-in lane
(samverkan.accounts.hashers) holds no page back: the other threads go on
serving. Logs are JSON lines on standard error like the app's own
(samverkan.core.logs)."""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "4"))  # read by settings too: SAMVERKAN_SIGN_IN_WAITING
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))  # PDF exports of the yearly compilation take seconds
graceful_timeout = 30
max_requests = 20000  # recycle workers now and then (each starts cold: its kept pages computed anew)
max_requests_jitter = 2000
# The app is imported once and forked: workers start at once and share its memory.
preload_app = True


def pre_fork(server, worker):
    # What the app holds after import is never garbage: the workers' collector skips it.
    gc.freeze()


forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "samverkan.core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
