#!/usr/bin/env bash
# Builds the benchmarks jar, then runs the JMH micro-benchmarks (with allocation per operation from
# -prof gc) and the end-to-end load benchmark, printing the machine first.
#
#   benchmarks/run.sh [--short] [--micro-only | --load-only] [load benchmark arguments...]
#
# --short: under 5 minutes on 2 cores, build included (JMH: 1 fork, 2 x 1 s warm-up, 3 x 1 s measured;
# load: 1 round, 4 s warm-up, 8 s measured per scenario). Without it, about 22 minutes: JMH 1 fork,
# 5 x 2 s warm-up, 5 x 2 s measured; load 3 rounds, 20 s warm-up, 20 s measured per scenario and
# round. The load benchmark runs every scenario once per round, against a fresh server each time,
# and reports medians over the rounds (--rounds=N to change their number), with the server's and
# its own CPU time per request, latency percentiles and the server's GC pauses.
# Load benchmark options include --server-heap=SIZE (the server JVM's -Xms and -Xmx, 2g by default)
# and --server-cpus=LIST (the server JVM started under taskset -c LIST). To pin the load generator
# as well, run the whole script under taskset, for example
#   taskset -c 1 benchmarks/run.sh --short --load-only --server-cpus=0 --server-heap=512m
# (the server's taskset then replaces the inherited CPU set with its own).
# Results also go to benchmarks/target/jmh-results.txt and benchmarks/target/load-results.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

short=false
micro=true
load=true
load_args=()
for arg in "$@"; do
  case $arg in
    --short) short=true ;;
    --micro-only) load=false ;;
    --load-only) micro=false ;;
    *) load_args+=("$arg") ;;
  esac
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
java -version 2>&1 | head -n 2
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

mvn -q -f "$root/pom.xml" -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
jar=$root/benchmarks/target/benchmarks.jar

if $micro; then
  if $short; then
    jmh_args=(-f 1 -wi 2 -i 3 -w 1s -r 1s)
  else
    jmh_args=(-f 1 -wi 5 -i 5 -w 2s -r 2s)
  fi
  java -jar "$jar" "${jmh_args[@]}" -prof gc -rf text -rff "$root/benchmarks/target/jmh-results.txt"
fi

if $load; then
  if $short; then
    load_args=(--short "${load_args[@]}")
  fi
  java -Xms1g -Xmx1g -cp "$jar" io.github.idempotency.benchmarks.load.LoadBenchmark "${load_args[@]}" \
    | tee "$root/benchmarks/target/load-results.md"
fi
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
