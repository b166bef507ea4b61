"""A Streamlit session without a browser: the websocket protocol the frontend speaks.

For load tests: many real sessions, each a coroutine, with none of Chromium's cost::

    async with Session(url, "tokenization", query="lang=en") as s:
        box = s.widget(key="tok_text_en")
        run = await s.set_value(box, "Hello there")  # run.seconds: request → run finished
        assert any("Hello" in text for text in s.texts())

How it works, as checked against Streamlit 1.67 (``web/server/starlette/starlette_websocket.py``,
``runtime/app_session.py``, ``runtime/agent/tree.py`` and the frontend's ``sendRerunBackMsg``):

- Connect to ``ws://HOST/_stcore/stream`` with subprotocol ``streamlit``. The browser adds
  an XSRF token and a session id to reconnect (``streamlit, <xsrf>, <session>``); both are
  optional, and without an ``Origin`` header no auth cookie is read.
- The server runs nothing until the client sends ``BackMsg.rerun_script`` (a ClientState).
  On first load the frontend sends ``page_name`` = the URL path (``"tokenization"``, ``""``
  for the default page), an empty ``page_script_hash``, the query string and a
  ``context_info`` (timezone, locale, url, colour scheme); later requests send the
  ``page_script_hash`` of the page shown: with ``st.navigation`` the one in the
  ``navigation`` message (``new_session`` names the entry script).
- Each run: ``new_session`` (``metadata.run``: script run id and the fragment ids it reruns),
  deltas (``metadata.delta_path`` = [root: 0 main, 1 sidebar, …, then indices];
  ``delta.new_element`` or ``add_block``; ``delta.fragment_id`` inside a fragment), then
  ``script_finished``. Like the frontend, after a full run we drop the nodes that run did
  not send, and after a fragment run the stale nodes of that fragment.
- A widget change is a ``rerun_script`` with ``widget_states`` and, for a widget inside a
  fragment, that fragment's id, so only the fragment reruns, as in the browser. Widget ids
  end in ``-<key>`` for keyed widgets (``$$ID-<hash>-<key>``). The frontend sends the value
  of every active widget; we send the values we set (for a widget we never touched the
  server uses its default, the same value the browser would send).

Limits: no forward-message cache (we announce no cached hashes, so the server sends every
message in full, as to a new browser); ``auto_rerun`` fragments (``run_every``) are not
polled; no reconnection; no file uploads, forms, chat input or custom components; values
are set by wire type (string, double array, bool, trigger, string array), not validated.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOTS = {"main": 0, "sidebar": 1, "event": 2, "bottom": 3}
STRING_WIDGETS = {"text_input", "text_area", "selectbox", "radio", "color_picker"}
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "finished",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment finished",
}


@dataclass
class Node:
    """One element or container on the page, as the last run that touched it left it."""

    path: tuple[int, ...]  # delta path: root container, then indices
    element: object | None  # streamlit.proto Element, or None for a container
    block: object | None  # streamlit.proto Block, or None for an element
    run_id: str  # the script run that sent it
    fragment_id: str  # the fragment that sent it, or ""

    @property
    def kind(self) -> str:
        """``markdown``, ``text_area``, ``button``, … (the Element oneof), or ``block``."""
        return self.element.WhichOneof("type") if self.element is not None else "block"

    @property
    def proto(self):
        """The element's own message (e.g. a TextArea), or the Block."""
        return getattr(self.element, self.kind) if self.element is not None else self.block

    @property
    def label(self) -> str:
        return getattr(self.proto, "label", "")

    @property
    def id(self) -> str:
        """The widget id (``$$ID-<hash>-<key>``), or "" for what is not a widget."""
        return getattr(self.proto, "id", "") if self.element is not None else ""

    @property
    def key(self) -> str | None:
        """The user key of a widget, or None."""
        parts = self.id.split("-", 2)
        return parts[2] if len(parts) == 3 and parts[2] != "None" else None

    @property
    def text(self) -> str:
        """Readable text of a text-like element or metric ("" for the rest)."""
        p, kind = self.proto, self.kind
        if kind in ("markdown", "heading", "alert", "text", "html"):
            return p.body
        if kind == "code":
            return p.code_text
        if kind == "exception":
            return f"{p.type}: {p.message}"
        if kind == "metric":
            return f"{p.label}: {p.body}"
        return ""


@dataclass
class Run:
    """One script run this client asked for and waited for."""

    seconds: float  # from sending the request to receiving script_finished
    status: str  # "finished", "fragment finished" or "compile error"
    messages: int  # forward messages received meanwhile
    bytes: int


class Session:
    """One browser-less session of the app at ``base_url`` (``http://host:port``).

    ``page`` is the URL path of the page to open first (``""`` for the default page),
    ``query`` the query string without ``?``. Use as ``async with``; entering opens the
    page and waits for its first run (``self.first_run``).
    """

    def __init__(self, base_url: str, page: str = "", query: str = "", timeout_s: float = 120):
        parts = urlsplit(base_url)
        self.url = f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")
        self.ws_url = f"ws://{parts.netloc}/_stcore/stream"
        self.page_name, self.query_string, self.timeout_s = page, query, timeout_s
        self.session_id = ""
        self.page_script_hash = ""
        self.pages: dict[str, str] = {}  # url path → page script hash, from `navigation`
        self.nodes: dict[tuple[int, ...], Node] = {}
        self.first_run: Run | None = None
        self._values: dict[str, WidgetState] = {}  # what we set, resent like the browser does
        self._events: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
        self._run_id, self._run_fragments = "", ()
        self._count = [0, 0]  # messages, bytes received
        self._ws = None
        self._reader: asyncio.Task | None = None

    async def __aenter__(self) -> Session:
        from websockets.asyncio.client import connect

        self._ws = await connect(
            self.ws_url,
            subprotocols=["streamlit"],
            compression=None,
            max_size=None,  # a run's deltas can be large (charts, chips)
            max_queue=None,
            open_timeout=self.timeout_s,
        )
        self._reader = asyncio.create_task(self._read())
        self.first_run = await self._rerun(page_name=self.page_name)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ws is not None:
            await self._ws.close()

    # --- reading the page -----------------------------------------------------------------

    def elements(self, root: str | None = None) -> list[Node]:
        """Elements (not containers) in page order, in ``root`` ("main", "sidebar") or all."""
        out = [n for n in self.nodes.values() if n.element is not None]
        if root is not None:
            out = [n for n in out if n.path[0] == ROOTS[root]]
        return sorted(out, key=lambda n: n.path)

    def texts(self, root: str | None = "main") -> list[str]:
        """The text of every text-like element (markdown, headings, alerts, code…)."""
        return [n.text for n in self.elements(root) if n.text]

    def exceptions(self) -> list[str]:
        """Exceptions shown anywhere on the page ("Type: message")."""
        return [n.text for n in self.elements() if n.kind == "exception"]

    def widget(self, *, key: str | None = None, label: str | None = None, kind: str = "") -> Node:
        """The one widget with this key, or this label (and kind); KeyError if none or several."""
        found = [
            n
            for n in self.elements()
            if n.id
            and (key is None or n.key == key)
            and (label is None or n.label == label)
            and (not kind or n.kind == kind)
        ]
        if len(found) != 1:
            raise KeyError(f"{len(found)} widgets with key={key!r} label={label!r} kind={kind!r}")
        return found[0]

    # --- acting -----------------------------------------------------------------------------

    async def set_value(self, widget: Node, value: object) -> Run:
        """Set a widget as a user would, wait for the rerun it causes, and return its timing.

        Strings for text fields, selectboxes and radios (the option as displayed), a number
        or list of numbers for sliders, a bool for checkboxes and toggles, a list of strings
        for segmented controls, pills and multiselects.
        """
        state = WidgetState(id=widget.id)
        kind = widget.kind
        if kind in STRING_WIDGETS:
            state.string_value = str(value)
        elif kind == "slider":
            values = value if isinstance(value, list | tuple) else [value]
            state.double_array_value.data.extend(float(v) for v in values)
        elif kind == "number_input":
            state.double_value = float(value)
        elif kind == "checkbox":
            state.bool_value = bool(value)
        elif kind in ("button_group", "multiselect"):
            state.string_array_value.data.extend(str(v) for v in value)
        else:
            raise NotImplementedError(f"setting a {kind} is not supported")
        self._values[widget.id] = state
        return await self._rerun(fragment_id=widget.fragment_id)

    async def click(self, button: Node) -> Run:
        """Click a button: a trigger sent with this one request only."""
        trigger = WidgetState(id=button.id, trigger_value=True)
        return await self._rerun(fragment_id=button.fragment_id, extra=[trigger])

    async def switch_page(self, url_path: str) -> Run:
        """Open another page of the app, as a click in the navigation does."""
        return await self._rerun(page_script_hash=self.pages[url_path])

    async def rerun(self) -> Run:
        """Rerun the whole page with the current widget values (the "R" key)."""
        return await self._rerun()

    # --- protocol ---------------------------------------------------------------------------

    async def _rerun(
        self,
        page_name: str = "",
        page_script_hash: str | None = None,
        fragment_id: str = "",
        extra: list[WidgetState] | None = None,
    ) -> Run:
        """Send one rerun_script and wait until the run it starts has finished."""
        live = {n.id for n in self.nodes.values() if n.id}
        self._values = {i: s for i, s in self._values.items() if i in live or not self.nodes}
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash
            if page_script_hash is None
            else page_script_hash,
            page_name=page_name,
            fragment_id=fragment_id,
        )
        state.widget_states.widgets.extend([*self._values.values(), *(extra or [])])
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url, info.is_embedded, info.color_scheme = self.url, False, "light"
        while not self._events.empty():  # forget runs that ended before this request
            self._events.get_nowait()
        messages, size = self._count
        start = time.perf_counter()
        await self._ws.send(BackMsg(rerun_script=state).SerializeToString())
        deadline = start + self.timeout_s
        mine = None  # the run our request started (a st.rerun() may chain another)
        while True:
            left = deadline - time.perf_counter()
            event, run_id, status = await asyncio.wait_for(self._events.get(), max(left, 0.001))
            if event == "start":
                mine = run_id
            elif event == "finish" and run_id == mine and status in FINISHED.values():
                return Run(
                    seconds=time.perf_counter() - start,
                    status=status,
                    messages=self._count[0] - messages,
                    bytes=self._count[1] - size,
                )
            elif event == "error":
                raise RuntimeError(status)

    async def _read(self) -> None:
        try:
            async for raw in self._ws:
                self._count[0] += 1
                self._count[1] += len(raw)
                self._apply(ForwardMsg.FromString(raw))
        finally:  # a waiting request fails now rather than at its timeout
            self._events.put_nowait(("error", "", "connection closed by the server"))

    def _apply(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            self._apply_delta(msg)
        elif kind == "new_session":
            new = msg.new_session
            self.session_id = new.initialize.session_id or self.session_id
            self.page_script_hash = new.page_script_hash
            self._run_id = msg.metadata.run.script_run_id
            self._run_fragments = tuple(msg.metadata.run.fragment_ids)
            self._events.put_nowait(("start", self._run_id, ""))
        elif kind == "script_finished":
            status = FINISHED.get(msg.script_finished, "stopped for rerun")
            if status == "finished":  # a full run: what it did not send is gone
                self._drop(lambda n: n.run_id != self._run_id)
            elif status == "fragment finished":
                fragments = set(self._run_fragments)
                self._drop(lambda n: n.fragment_id in fragments and n.run_id != self._run_id)
            self._events.put_nowait(("finish", msg.metadata.run.script_run_id, status))
        elif kind == "navigation":  # st.navigation: its page, not new_session's main script
            self.page_script_hash = msg.navigation.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self._events.put_nowait(("error", "", f"page not found: {self.page_name!r}"))

    def _apply_delta(self, msg: ForwardMsg) -> None:
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        which = delta.WhichOneof("type")
        if which not in ("new_element", "add_block") or not path:
            return  # transient elements (spinners) vanish with their run
        element = delta.new_element if which == "new_element" else None
        block = delta.add_block if which == "add_block" else None
        old = self.nodes.get(path)
        same_block = (
            old is not None
            and old.block is not None
            and block is not None
            and old.block.WhichOneof("type") == block.WhichOneof("type")
        )
        if old is not None and old.block is not None and not same_block:
            self._drop(lambda n: n.path[: len(path)] == path and n.path != path)
        self.nodes[path] = Node(path, element, block, self._run_id, delta.fragment_id)

    def _drop(self, stale) -> None:
        self.nodes = {p: n for p, n in self.nodes.items() if not stale(n)}
