#!/usr/bin/env bash
# The load benchmark in the two configurations that docs/benchmarks.md records side by side, with
# every scenario (servlet filter, Spring MVC, WebFlux; in memory, Redis, PostgreSQL; new keys and
# replays), one fresh server JVM per scenario:
#
# 1. "one CPU, 512 MiB": the server JVM under taskset on CPU 0 with -Xms512m -Xmx512m (what a
#    1 vCPU / 512 MiB container gets; the JVM then chooses Serial GC), the load generator on CPU 1;
# 2. "default": the server JVM with -Xms2g -Xmx2g, nothing pinned (G1 on two CPUs).
#
#   benchmarks/deployed.sh [load benchmark arguments...]
#
# 16 connections, 20 s warm-up and 10 s measured per scenario, 1 round (about 9 minutes per
# configuration on 2 cores); later arguments override these, for example --rounds=3. The tables
# go to benchmarks/target/load-one-cpu.md and benchmarks/target/load-default.md, the GC logs to
# benchmarks/target/gc-<scenario>-<round>.log (the second configuration's replace the first's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scenarios=bare,filter,filter-replay,filter-redis,filter-postgresql,spring,spring-interceptor,spring-replay
scenarios+=,spring-body,spring-body-interceptor,webflux,webflux-idempotent,webflux-replay,webflux-redis
args=(--connections=16 --warmup=20 --duration=10 --rounds=1 "--scenarios=$scenarios" "$@")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
java -version 2>&1 | head -n 2
mvn -q -f "$root/pom.xml" -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
jar=$root/benchmarks/target/benchmarks.jar
main=io.github.idempotency.benchmarks.load.LoadBenchmark

echo "## One CPU, 512 MiB (load average $(cut -d' ' -f1-3 /proc/loadavg))"
taskset -c 1 java -Xms1g -Xmx1g -cp "$jar" "$main" --server-cpus=0 --server-heap=512m "${args[@]}" \
  | tee "$root/benchmarks/target/load-one-cpu.md"
echo "## Default (load average $(cut -d' ' -f1-3 /proc/loadavg))"
java -Xms1g -Xmx1g -cp "$jar" "$main" "${args[@]}" | tee "$root/benchmarks/target/load-default.md"
