#!/usr/bin/env bash
# Installs (Debian) and starts the services the integration tests and the benchmark need:
# PostgreSQL on 127.0.0.1:5432 (user postgres/postgres, database aftercart_test) and Redis on
# 127.0.0.1:6379 with noeviction, and a 3-master Redis Cluster on 127.0.0.1:7001-7003.
# Idempotent: does nothing for a service already answering.
set -euo pipefail

need_install=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_install+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_install+=(redis-server)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "services: installing ${need_install[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
fi
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
for db in aftercart_test aftercart_bench; do
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 \
    || su postgres -c "createdb $db"
done

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --maxmemory-policy noeviction \
    --save '' --appendonly no --logfile /tmp/aftercart-redis.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi
# A 3-master Redis Cluster on 127.0.0.1:7001-7003 for the cluster tests (REDIS_URL
# redis+cluster://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003). Nothing is persisted, so a node
# that is down is started afresh and the cluster is created again.
cluster_ports=(7001 7002 7003)
cluster_ok() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }
if ! cluster_ok 7001 || ! cluster_ok 7002 || ! cluster_ok 7003; then
  cluster_dir=/tmp/aftercart-redis-cluster
  for port in "${cluster_ports[@]}"; do redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$cluster_dir" && mkdir -p "$cluster_dir"
  for port in "${cluster_ports[@]}"; do
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
      --cluster-config-file "$cluster_dir/nodes-$port.conf" --dir "$cluster_dir" --save '' --appendonly no \
      --maxmemory-policy noeviction --logfile "$cluster_dir/redis-$port.log"
  done
  for port in "${cluster_ports[@]}"; do
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
  done
  redis-cli --cluster create 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 --cluster-replicas 0 --cluster-yes >/dev/null
  for port in "${cluster_ports[@]}"; do
    for _ in $(seq 1 50); do cluster_ok "$port" && break; sleep 0.2; done
  done
fi
echo "services: postgres, redis and a redis cluster are up"
