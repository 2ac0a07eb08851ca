#!/usr/bin/env bash
# Usage: bash tools/dist_train.sh CONFIG NUM_PROCS [train.py args]
# One process per GPU; on a machine without CUDA the NUM_PROCS processes
# train on CPU over gloo. NNODES, NODE_RANK, MASTER_ADDR and PORT set up
# multi-node runs.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "Usage: bash $0 CONFIG NUM_PROCS [train.py args]" >&2
    exit 2
fi
CONFIG=$1
NPROCS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

PYTHONPATH="$(dirname "$0")/..":${PYTHONPATH:-} \
torchrun \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROCS" \
    --master_port="$PORT" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "${@:3}"
