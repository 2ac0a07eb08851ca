#!/usr/bin/env bash
# Train and evaluate a method on the built-in demo dataset, end to end:
#   bash tools/run_demo.sh [CONFIG] [train.py args]
# CONFIG defaults to configs/aplt_r18_demo.py. The dataset is generated
# under data/demo (once); the configs label 25% of every class of
# train.txt at load time (label_ratio, seed 0), the rest is unlabeled.
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${1:-configs/aplt_r18_demo.py}
# Dataloader workers share the CPU cores with the training process: let idle
# OpenMP threads sleep instead of spinning (about 1.6x faster on 2 cores).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
NAME=$(basename "${CONFIG}" .py)
WORK_DIR=${WORK_DIR:-work_dirs/${NAME}}

if [ ! -f data/demo/test.txt ]; then
    python tools/make_demo_data.py --out data/demo
fi
python tools/train.py "${CONFIG}" --work-dir "${WORK_DIR}" "${@:2}"
CHECKPOINT=$(cat "${WORK_DIR}/last_checkpoint")
python tools/test.py "${CONFIG}" "${CHECKPOINT}" --work-dir "${WORK_DIR}" \
    | tee "${WORK_DIR}/test.log"
echo "Demo test split, ${NAME} (${CHECKPOINT}):"
grep -o 'acc/top1: [0-9.]*  acc/top5: [0-9.]*  acc/mean1: [0-9.]*' \
    "${WORK_DIR}/test.log" | tail -1
