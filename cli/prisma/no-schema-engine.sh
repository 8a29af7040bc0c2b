#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded offline.
# `prisma generate` only needs the engine to exist; anything that would use it fails
# here, clearly, instead of "succeeding" with nothing done. Migrations: `burrow db`.
echo "Prisma's native schema engine is not installed here: use 'burrow db migrate|deploy|status' (wasm schema engine)." >&2
exit 1
