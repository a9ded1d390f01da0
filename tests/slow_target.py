"""A parse that takes long: the sandbox tests kill its parent meanwhile."""
import time


def parse(data, name, **_kwargs):
    time.sleep(120)
    return {}
