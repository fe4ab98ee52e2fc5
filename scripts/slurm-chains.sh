#!/usr/bin/env bash
# K chains of one run on a Slurm cluster: one chain per array task, then `bnn-cli merge` as a job
# that waits for the whole array. Submit from the project folder (after ./scripts/setup.sh or a
# build in build/):
#   sbatch scripts/slurm-chains.sh                         # example-sgld, 4 chains, runs/chains
#   PRESET=example-sghmc CHAINS=8 OUT=runs/sghmc-8 sbatch --array=0-7 scripts/slurm-chains.sh
# Extra bnn-cli run options may follow the script's name (e.g. --seed 1 --samples 2000).
#SBATCH --job-name=bnn-chains
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --time=02:00:00
#SBATCH --output=slurm-%A_%a.out
set -euo pipefail

cli="${BNN_CLI:-build/app/bnn-cli}"
preset="${PRESET:-example-sgld}"
chains="${CHAINS:-${SLURM_ARRAY_TASK_COUNT:-4}}"
out="${OUT:-runs/chains}"
data="${DATA:-data/mnist}"

if [[ -z "${SLURM_ARRAY_TASK_ID:-}" ]]; then
  echo "slurm-chains.sh: submit it with sbatch (it runs as a job array, one chain per task)" >&2
  exit 2
fi
i="$SLURM_ARRAY_TASK_ID"
mkdir -p "$out"
"$cli" run --preset "$preset" --data "$data" --chains "$chains" --chain-index "$i" \
  --threads "${SLURM_CPUS_PER_TASK:-1}" --no-progress --out "$out/c$i" "$@"

# The first task submits the merge, to start once every task of the array has succeeded.
if [[ "$i" == "${SLURM_ARRAY_TASK_MIN:-0}" ]]; then
  dirs=()
  for ((c = 0; c < chains; ++c)); do dirs+=("$out/c$c"); done
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=bnn-merge --output="$out/merge.out" \
    --wrap "$cli merge ${dirs[*]} --out $out/pooled"
fi
