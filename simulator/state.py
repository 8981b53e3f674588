"""The simulator's mutable world: configuration, data, tasks, tokens, faults and counters."""

from __future__ import annotations

from typing import Any

from .config import SimConfig, User
from .faults import Faults
from .idp import TokenService
from .live import LiveState
from .network import Network, build_network
from .ntlm import GssChannelBindings, WindowsAuth
from .seed import build_store
from .seed_site import share_live
from .stats import Stats
from .store import Store
from .tasks import TaskRegistry

WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


class SimState:  # pylint: disable=too-many-instance-attributes
    """Shared by all handlers; everything runs on one event loop, so no locking is needed."""

    def __init__(self, config: SimConfig, ntlm_bindings: GssChannelBindings | None = None) -> None:
        self.config = config
        self.base_url = ""
        self.store: Store = build_store(config.seed, config.cameras, config.product_version, config.cameras_per_hardware)
        self.tasks = TaskRegistry()
        self.tokens = TokenService(config)
        self.tokens.directory = self.basic_user  # users of /basicUsers with a password log in too
        self.windows = WindowsAuth(ntlm_bindings)
        self.faults = Faults(config.seed)
        self.stats = Stats()
        # GetDevicePresets sessions: sessionDataId -> (camera id, device presets read in step 1).
        self.sessions: dict[int, tuple[str, list[Any]]] = {}
        self.next_session_id = 1
        # Events, alarms and WebSocket sessions (live.py).
        self.live = LiveState(config, self.store)
        share_live(self.store, self.live)  # the Config API serves live.py's event types and alarm definitions too
        # The devices the recording servers reach (network.py), for the hardware tasks.
        self.network: Network = build_network(self.store, config.seed, config.network_devices)

    def reset(self, stats_only: bool = False) -> None:
        """``POST /_simulator/reset``: seed data, tasks, tokens, faults and counters back to start."""
        self.stats.reset()
        if stats_only:
            return
        self.store = build_store(self.config.seed, self.config.cameras, self.config.product_version, self.config.cameras_per_hardware)
        self.tasks = TaskRegistry()
        self.tokens.expire_all()
        self.tokens.forget_refresh_tokens()
        self.windows.reset()
        self.faults.clear()
        self.sessions.clear()
        self.next_session_id = 1
        self.live.close()
        self.live = LiveState(self.config, self.store)
        share_live(self.store, self.live)
        self.network = build_network(self.store, self.config.seed, self.config.network_devices)

    def basic_user(self, name: str) -> tuple[User, bool] | None:
        """The basic user of ``/basicUsers`` called ``name`` (case-insensitive) that has a password, and whether it is locked
        out; its role is administrator when it is a member of the Administrators role, operator otherwise."""
        wanted = name.casefold()
        for ident, obj in self.store.objects.get("basicUsers", {}).items():
            password = self.store.secrets.get(ident, {}).get("password")
            if str(obj.get("name", "")).casefold() != wanted or not password:
                continue
            admins = {role_id for role_id, role in self.store.objects.get("roles", {}).items() if role.get("roleType") == "Adminstrative"}
            sid = str(obj.get("sid", "")).lower()
            administrator = any(str(member.get("sid", "")).lower() == sid and
                                ((member.get("relations") or {}).get("parent") or {}).get("id") in admins
                                for member in self.store.objects.get("users", {}).values())
            user = User(str(obj["name"]), str(password), "administrator" if administrator else "operator")
            return user, obj.get("status") in ("LockedOutByAdmin", "LockedOutBySystem")
        return None

    @property
    def task_seconds(self) -> float:
        """Duration of tasks invoked now (a fault can override the CLI value)."""
        return self.faults.task_seconds if self.faults.task_seconds is not None else self.config.task_seconds

    @property
    def latency_seconds(self) -> float:
        """Delay added to REST and IDP requests now."""
        latency_ms = self.faults.latency_ms if self.faults.latency_ms is not None else self.config.latency_ms
        return latency_ms / 1000.0

    def own_base(self, scheme: str, host_header: str | None) -> str:
        """The simulator's own URL; from the Host header when bound to a wildcard address."""
        if self.config.host in WILDCARD_HOSTS and host_header:
            return f"{scheme}://{host_header}"
        return self.base_url

    def idp_base(self, own: str) -> str:
        """IdentityProvider URL to advertise."""
        return (self.config.idp_url or f"{own}/IDP").rstrip("/")

    def gateways(self, own: str) -> list[str]:
        """ApiGateways to advertise (each ends with a slash, as REST base = gateway + "rest/v1")."""
        urls = self.config.gateway_urls or (f"{own}/API/",)
        return [url if url.endswith("/") else url + "/" for url in urls]
