"""Generate Flux notification manifests for ``fluxnotify init``.

Pure builders (``spec``, ``manifests``) turn checked inputs into objects; ``render``
turns them into YAML as people write it; ``writer`` puts files on disk atomically.
Nothing here prints or exits: the command module does that.
"""
