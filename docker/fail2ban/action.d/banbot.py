# BanBot history action for fail2ban.
#
# Reports every ban and unban of the jails that list it to a running BanBot, as JSON lines over a
# Unix socket in BanBot's data directory, so BanBot's archive keeps what fail2ban's own database
# forgets (rows purged after dbpurgeage, deleted by a manual unban or by `unban --all`).
#
# Install: copy this file to /etc/fail2ban/action.d/banbot.py and add to a jail (or [DEFAULT]):
#   action = %(action_)s
#            banbot.py[socket="/var/lib/banbot/history.sock"]
# then *restart* fail2ban: a reload never loads a Python action that was not loaded before
# (fail2ban #2716, #3860). See docs/history.md in BanBot for the details and `banbot doctor` to check it.
#
# It also reports when its jail starts, stops and reloads, and answers `get <jail> action banbot
# socket` (where it reports to) and `get <jail> action banbot idle` (the jail's idle flag, which
# fail2ban itself has no command to read).
#
# fail2ban runs actions inline in each jail's thread, so this action never blocks it: ban() and
# unban() only put a line on a bounded queue, and one thread per jail writes the queue to the
# socket. While BanBot is not listening the queue keeps the lines; what overflows it is dropped and
# counted. BanBot backfills bans from fail2ban's database, so only dropped unbans are lost.
#
# The protocol (one JSON object per line, version 1) is validated by BanBot's
# src/core/history/action-line.ts; keep the two in step.

import json
import queue
import socket as sockets
import threading
import time

from fail2ban.server.actions import ActionBase

PROTOCOL = 1
# Lines taken off the queue per write: one sendall for a burst of bulk bans.
BATCH = 500
MAX_LINE_CHARS = 1000


def _get(aInfo, key, default):
	try:
		return aInfo[key]
	except KeyError:
		return default


class BanBotAction(ActionBase):
	# Options (strings, from `banbot.py[socket="…", …]`): timeout for connecting and writing; retry,
	# seconds between attempts to reach BanBot; queue_size, lines kept per jail while it is away.
	def __init__(self, jail, name, socket="/var/lib/banbot/history.sock", timeout="2", retry="5",
			queue_size="10000", max_matches="5"):
		super(BanBotAction, self).__init__(jail, name)
		self._configure(socket, timeout, retry, queue_size, max_matches)
		self._queue = queue.Queue(maxsize=self._queue_size)
		self._dropped = 0
		self._lock = threading.Lock()
		self._thread = None
		self._stopping = threading.Event()
		# Set when reload() changes the socket: the writer hangs up and dials the new one.
		self._redial = threading.Event()

	def _configure(self, socket, timeout, retry, queue_size, max_matches):
		self._path = socket
		self._timeout = float(timeout)
		self._retry = float(retry)
		self._max_matches = int(max_matches)
		self._queue_size = int(queue_size)

	# fail2ban's reload (`reload <jail>`, `reload --all`, `fail2ban-client reload`, `systemctl reload
	# fail2ban`) keeps an existing action only when it has both clearAllParams() and reload() (see
	# Actions.add and Actions.reload in fail2ban/server/actions.py, 0.10 to master). Without them it
	# drops the action from the jail, and nothing is reported any more. The options come whole with
	# reload(), so there is nothing to clear.
	def clearAllParams(self):
		pass

	def reload(self, socket="/var/lib/banbot/history.sock", timeout="2", retry="5", queue_size="10000",
			max_matches="5"):
		old = self._path
		self._configure(socket, timeout, retry, queue_size, max_matches)
		# Read under the queue's lock on every put, so a new size applies at once.
		self._queue.maxsize = self._queue_size
		if socket != old:
			self._redial.set()
		# fail2ban has just reloaded the jail, which also turned its idle flag off.
		self._report("reload")

	# `get <jail> action banbot socket`: for `banbot doctor`, which checks that BanBot listens there.
	@property
	def socket(self):
		return self._path

	# `get <jail> action banbot idle`: fail2ban has no command to read a jail's idle flag.
	@property
	def idle(self):
		return bool(self._jail.idle)

	# Restored bans (after a restart) are reported too: BanBot de-duplicates on (jail, ip, time),
	# and a ban made while BanBot was down reaches the archive this way as well.
	def ban(self, aInfo):
		self._enqueue("ban", aInfo)

	def reban(self, aInfo):
		self._enqueue("ban", aInfo)

	# With bantime.increment, the longer ban time is only known after ban(): fail2ban then calls
	# prolong() on actions that ask for it.
	_prolongable = True

	def prolong(self, aInfo):
		self._enqueue("ban", aInfo, prolong=True)

	def unban(self, aInfo):
		# A jail that stops (or a fail2ban that shuts down) lifts all its bans and restores those
		# still due when it starts again. They go out marked, and BanBot archives them only when it
		# stopped the jail itself. Not counted when they overflow the queue: nobody waits for them.
		stopping = not getattr(self._jail.actions, "active", True)
		self._enqueue("unban", aInfo, stop=stopping)

	def start(self):
		# Fresh ones: a restart stops and starts the action, and the old queue ends with a stop marker.
		self._queue = queue.Queue(maxsize=self._queue_size)
		self._stopping = threading.Event()
		self._thread = threading.Thread(target=self._run, name="f2b/banbot/" + self._jail.name)
		self._thread.daemon = True
		self._thread.start()
		# A (re)started jail restored fail2ban's bans but not BanBot's renewals, and is not idle.
		self._report("start")

	def stop(self):
		thread, self._thread = self._thread, None
		if thread is None:
			return
		self._report("stop")
		self._stopping.set()
		try:
			self._queue.put_nowait(None)
		except queue.Full:
			pass
		# Lets queued lines go out if BanBot is there, but never holds fail2ban's shutdown for long.
		thread.join(self._timeout)

	def _enqueue(self, event, aInfo, prolong=False, stop=False):
		now = time.time()
		try:
			line = self._line(event, aInfo, now, prolong, stop)
		except Exception as e:  # never let reporting break the jail's other actions
			self._logSys.error("BanBot action: cannot describe %s of %s: %s", event, aInfo.get("fid"), e)
			return
		self._put(line, count_drop=not stop)

	def _put(self, line, count_drop=True):
		try:
			self._queue.put_nowait(line)
		except queue.Full:
			if count_drop:
				self._drop(1)

	# The jail's start, stop and reload, for BanBot to know that fail2ban turned idle off and may have
	# restored bans without BanBot's renewals.
	def _report(self, event):
		record = {"v": PROTOCOL, "event": event, "jail": self._jail.name, "at": time.time()}
		self._put((json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8"))

	def _line(self, event, aInfo, now, prolong, stop):
		matches = [m[:MAX_LINE_CHARS] for m in aInfo["matches"].split("\n") if m][-self._max_matches:] \
			if event == "ban" and self._max_matches > 0 else []
		record = {
			"v": PROTOCOL,
			"event": event,
			"jail": self._jail.name,
			# The ticket ID, exactly as fail2ban stores it in its database's `ip` column.
			"ip": str(aInfo["fid"]),
			# fail2ban's database stores int(round(ticket time)): the same value makes the same key.
			"time": int(round(aInfo["time"])),
			"at": now,
			"bantime": int(aInfo["bantime"]),
			# bancount and restored came with fail2ban 0.11.
			"bancount": int(_get(aInfo, "bancount", 1)),
			"failures": int(aInfo["failures"]),
			"matches": matches,
			"restored": bool(_get(aInfo, "restored", 0)),
			"prolong": prolong,
		}
		if stop:
			record["stop"] = True
		return (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")

	def _drop(self, count):
		with self._lock:
			self._dropped += count

	def _take_dropped(self):
		with self._lock:
			dropped, self._dropped = self._dropped, 0
			return dropped

	def _hello(self):
		record = {"v": PROTOCOL, "event": "hello", "jail": self._jail.name, "dropped": self._take_dropped()}
		return (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")

	def _connect(self):
		sock = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
		sock.settimeout(self._timeout)
		try:
			sock.connect(self._path)
			sock.sendall(self._hello())
		except Exception:
			sock.close()
			raise
		return sock

	# While BanBot is unreachable, lines wait in the queue (the oldest first) and are sent when it is
	# back; only what overflows the queue is dropped, and counted.
	def _run(self):
		sock = None
		pending = []
		warned_at = 0.0
		while True:
			if not pending:
				pending = [self._queue.get()]
				while len(pending) < BATCH:
					try:
						pending.append(self._queue.get_nowait())
					except queue.Empty:
						break
			stopping = None in pending
			pending = [line for line in pending if line is not None]
			if self._redial.is_set():
				self._redial.clear()
				if sock is not None:
					sock.close()
					sock = None
			if pending and sock is None:
				try:
					sock = self._connect()
				except Exception as e:
					if time.time() >= warned_at:
						warned_at = time.time() + 60
						self._logSys.warning("BanBot is not listening on %s (%s): keeping events until it is", self._path, e)
			if pending and sock is not None:
				try:
					sock.sendall(b"".join(pending))
					pending = []
				except Exception as e:
					# BanBot drops a half-written line, and ignores the whole ones it gets twice.
					self._logSys.warning("BanBot stopped reading %s (%s): keeping events until it is back", self._path, e)
					sock.close()
					sock = None
			if stopping or self._stopping.is_set():
				break
			if pending:
				self._stopping.wait(self._retry)
		self._drop(len(pending))
		if sock is not None:
			sock.close()

Action = BanBotAction
