"""``python -m standin --port 8765 --articles 60 [--seed 0] [--fault NAME[=VALUE] ...]``

Serves a generated stand-in portal until Ctrl-C; prints its URL on one line.
"""
from __future__ import annotations

import argparse
import sys
import threading

from .server import Portal
from .model import FAULTS, Site


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m standin", description=__doc__.splitlines()[2])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 = any free port (default 8765)")
    p.add_argument("--articles", type=int, default=60, help="number of articles (default 60)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--per-page", type=int, default=4)
    p.add_argument("--template-2021", type=float, default=0.2, help="fraction in the 2021 template")
    p.add_argument("--template-unknown", type=float, default=0.0, help="fraction in an unknown template")
    p.add_argument("--no-link-variants", action="store_true", help="listings link canonical URLs only")
    p.add_argument("--fault", action="append", default=[], metavar="NAME[=VALUE]",
                   help="enable a fault (repeatable): " + ", ".join(FAULTS))
    a = p.parse_args(argv)
    site = Site.generate(a.articles, a.seed, per_page=a.per_page, template_2021=a.template_2021,
                         template_unknown=a.template_unknown)
    try:
        portal = Portal(site, a.fault, host=a.host, port=a.port, link_variants=not a.no_link_variants)
    except ValueError as e:
        p.error(str(e))
    with portal:
        print(portal.url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
