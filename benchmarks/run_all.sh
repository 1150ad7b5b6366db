#!/bin/sh
# The figures of the README's speed section, in one run (about an hour on 2 shared cores).
set -e
cd "$(dirname "$0")"
WORK=${WORK:-/tmp/cg-scale}
python bench_scale.py --sizes 10,100 --work "$WORK"
python bench_scale.py --speedup 46 --work "$WORK"
python bench_scale.py --underwriting 40 --work "$WORK"
python bench_stages.py --underwriting 40
python bench_incremental.py --docs 1000 --work "$WORK" --keep
python bench_queries.py --outputs "$WORK/out-inc-1000"
python bench_executors.py --work "$WORK/executors"
