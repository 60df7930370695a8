"""``fluxnotify test-send``: one message, shaped and sent as notification-controller would.

Pure core: :mod:`.event` (the synthetic event and the controller's metadata steps),
:mod:`.payloads` (each notifier's request), :mod:`.gojson` (Go's JSON bytes),
:mod:`.redact` (keeping secrets out of output). Edges: :mod:`.resolve` (Provider and
Secrets in the project), :mod:`.http` (sending with the controller's retries),
:mod:`.explain` (results in words), and :mod:`.plan`, which ties them together for the
command. httpx is imported only when something is sent.
"""
