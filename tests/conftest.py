import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from servers import no_proxy, robot_factory, smtp_server  # noqa: E402,F401  (shared fixtures)
