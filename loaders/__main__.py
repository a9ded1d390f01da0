"""``python -m loaders``: see loaders/cli.py.  ``_child`` is the sandbox's child
process; it is dispatched before anything else is imported to keep it light."""
import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        from loaders.sandbox_child import child_main

        child_main(sys.argv[2:])
    else:
        from loaders.cli import main

        sys.exit(main())
