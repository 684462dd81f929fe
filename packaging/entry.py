"""Entry script for the frozen build: the same composition root as the `storeassist` console script."""

from storeassist.app import main

if __name__ == "__main__":
    raise SystemExit(main())
