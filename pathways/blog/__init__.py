"""A writer's blog as a folder of her own: `new-blog` makes it, `upgrade` moves it to another
engine version, `move-blog` carries a blog made the old way (a clone of the engine) into one,
and `server` installs the engine's files on her server. `layout` says what the folder holds.
"""
