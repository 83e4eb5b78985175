# The cluster topology on one machine (`make cluster`, `scripts/stack cluster ...`), sourced by
# scripts/stack. The same engines a real deployment scales out on, each on ports of its own
# (distinct from the single-node stack's), data under .stack/cluster/, settings in .env.cluster:
#
#   zookeeper   one ZooKeeper (Maven Central), coordinating the replicated ClickHouse
#   clickhouse  four clickhouse-server processes: two shards × two replicas (ch1..ch4)
#   kafka       three KRaft nodes, each broker and controller (kafka1..kafka3)
#   search      two OpenSearch nodes joined in one cluster (search1, search2)
#   spark       a Spark standalone master and two workers (spark-master, spark-worker1, spark-worker2)
#   web         two gunicorn instances (web1, web2) behind HAProxy, sharing a Redis (web-redis, haproxy)
#
#   scripts/stack cluster up [component|node ...]     start (default: every component), idempotently
#   scripts/stack cluster down [component|node ...]   stop only what this topology started
#   scripts/stack cluster kill NODE ...                SIGKILL nodes and their children (drills: a crash)
#   scripts/stack cluster status                      which nodes answer
#
# Kafka runs three combined broker+controller nodes rather than three controllers and three
# brokers: on one machine six JVMs would cost twice the memory for the same failure story (the
# quorum and every partition survive the loss of any one node).

CLUSTER_DIR="$ROOT/.stack/cluster"
CLUSTER_ENV="$ROOT/.env.cluster"
CLUSTER_NAME=${CLUSTER_NAME:-bazaar}
CLUSTER_COMPONENTS=(zookeeper clickhouse kafka search spark web)

ZOOKEEPER_PORT=${CLUSTER_ZOOKEEPER_PORT:-12181}
CH_TCP_BASE=${CLUSTER_CLICKHOUSE_PORT:-19000}            # ch1..ch4 on 19001..19004
CH_HTTP_BASE=${CLUSTER_CLICKHOUSE_HTTP_PORT:-18120}      # 18121..18124
CH_INTERSERVER_BASE=${CLUSTER_CLICKHOUSE_INTERSERVER_PORT:-19010}  # 19011..19014
KAFKA_BASE=${CLUSTER_KAFKA_PORT:-19090}                  # brokers on 19091..19093
KAFKA_CONTROLLER_BASE=${CLUSTER_KAFKA_CONTROLLER_PORT:-19190}  # controllers on 19191..19193
KAFKA_PARTITIONS_CLUSTER=${CLUSTER_KAFKA_PARTITIONS:-6}
SEARCH_HTTP_BASE=${CLUSTER_SEARCH_PORT:-19200}           # 19201, 19202
SEARCH_TRANSPORT_BASE=${CLUSTER_SEARCH_TRANSPORT_PORT:-19300}  # 19301, 19302
SPARK_MASTER_PORT=${CLUSTER_SPARK_PORT:-17077}
SPARK_MASTER_UI_PORT=${CLUSTER_SPARK_UI_PORT:-18080}
SPARK_WORKER_UI_BASE=${CLUSTER_SPARK_WORKER_UI_PORT:-18080}    # 18081, 18082
SPARK_WORKER_MEMORY=${CLUSTER_SPARK_WORKER_MEMORY:-1g}
WEB_REDIS_PORT=${CLUSTER_REDIS_PORT:-16390}
WEB_BASE=${CLUSTER_WEB_PORT:-18000}                      # web1, web2 on 18001, 18002; HAProxy on 18000
WEB_WORKERS=${CLUSTER_WEB_WORKERS:-2}

cluster_set_env() {  # cluster_set_env KEY VALUE: a line of .env.cluster (readable by its owner only)
  touch "$CLUSTER_ENV"
  (umask 077; grep -v "^$1=" "$CLUSTER_ENV" > "$CLUSTER_ENV.tmp" || true)
  echo "$1=$2" >> "$CLUSTER_ENV.tmp"
  chmod 600 "$CLUSTER_ENV.tmp"
  mv "$CLUSTER_ENV.tmp" "$CLUSTER_ENV"
}

cluster_start() {  # cluster_start NAME COMMAND...: in the background, pid and log under .stack/cluster/NAME
  local name=$1; shift
  mkdir -p "$CLUSTER_DIR/$name"
  setsid "$@" > "$CLUSTER_DIR/$name/$name.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/$name/$name.pid"
}

cluster_stop() {  # cluster_stop NAME [SIGNAL]: stop one node this topology started and wait for it to exit
  local name=$1 signal=${2:-TERM} file="$CLUSTER_DIR/$1/$1.pid" pid waited=0
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  # KILL is a crash of the node's machine: every process of its session goes at once (a Spark
  # worker's executors too, which would otherwise work on until they noticed their worker gone).
  # cluster_start made the node the leader of a session and process group of its own; a pid that
  # leads no session of its own now is not that node (a stale file), and only it gets the signal.
  if [ "$signal" = KILL ] && [ "$(ps -o sid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ] \
    && [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pid" ]; then
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  kill "-$signal" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 120 ]; do sleep 0.5; waited=$((waited + 1)); done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$file"
}

cluster_running() {  # cluster_running NAME: its process is alive
  local file="$CLUSTER_DIR/$1/$1.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null
}

# --- ZooKeeper ------------------------------------------------------------------------------
up_zookeeper() {
  if ! zookeeper_serving; then
    cluster_stop zookeeper  # one that listens but does not serve
    local lib home dir="$CLUSTER_DIR/zookeeper"; lib=$(fetch_jars zookeeper)
    home=$(java_home_for 17) || { apt_install openjdk-17-jre-headless; home=$(java_home_for 17); }
    mkdir -p "$dir/data"
    cat > "$dir/zoo.cfg" <<CFG
tickTime=2000
dataDir=$dir/data
clientPort=$ZOOKEEPER_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,mntr
autopurge.purgeInterval=1
CFG
    log "starting ZooKeeper on 127.0.0.1:$ZOOKEEPER_PORT"
    cluster_start zookeeper "$home/bin/java" -Xms64m -Xmx256m -cp "$lib/*" \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg"
  fi
  wait_for zookeeper 60 zookeeper_serving
  log "zookeeper ready on 127.0.0.1:$ZOOKEEPER_PORT"
}
zookeeper_serving() {  # its four-letter `srvr` answers with the server's mode once it serves
  (exec 3<>"/dev/tcp/127.0.0.1/$ZOOKEEPER_PORT" && echo srvr >&3 && timeout 2 cat <&3) 2>/dev/null | grep -q '^Mode:'
}
down_zookeeper() { cluster_stop zookeeper; }
status_zookeeper() { zookeeper_serving; }

# --- ClickHouse: two shards × two replicas ------------------------------------------------------
ch_remote_servers() {
  local shard node
  echo "<remote_servers><$CLUSTER_NAME>"
  for shard in 1 2; do
    echo "<shard><internal_replication>true</internal_replication>"
    for node in $((shard * 2 - 1)) $((shard * 2)); do
      echo "<replica><host>127.0.0.1</host><port>$((CH_TCP_BASE + node))</port></replica>"
    done
    echo "</shard>"
  done
  echo "</$CLUSTER_NAME></remote_servers>"
}

up_ch() {  # up_ch N: node chN (shard (N+1)/2)
  local n=$1 name="ch$1" dir="$CLUSTER_DIR/ch$1"
  local tcp=$((CH_TCP_BASE + n)) http=$((CH_HTTP_BASE + n)) shard=$(((n + 1) / 2))
  if ! curl -sf "http://127.0.0.1:$http/ping" >/dev/null; then
    command -v clickhouse-server >/dev/null || apt_install clickhouse-server clickhouse-client
    mkdir -p "$dir/data" "$dir/tmp" "$dir/log" "$dir/user_files" "$dir/format_schemas"
    cp /etc/clickhouse-server/users.xml "$dir/users.xml"
    cat > "$dir/config.xml" <<CONFIG
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog></logger>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <interserver_http_port>$((CH_INTERSERVER_BASE + n))</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>134217728</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <timezone>UTC</timezone>
  $(ch_remote_servers)
  <zookeeper><node><host>127.0.0.1</host><port>$ZOOKEEPER_PORT</port></node><session_timeout_ms>10000</session_timeout_ms></zookeeper>
  <macros><cluster>$CLUSTER_NAME</cluster><shard>0$shard</shard><replica>$name</replica></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
CONFIG
    log "starting ClickHouse $name (shard $shard) on 127.0.0.1:$tcp"
    cluster_start "$name" clickhouse-server --config-file="$dir/config.xml"
  fi
  wait_for "$name" 60 curl -sf "http://127.0.0.1:$http/ping"
}

ch_hosts() {  # the four native-protocol addresses, the first one first
  local n hosts=""
  for n in 1 2 3 4; do hosts="$hosts${hosts:+,}127.0.0.1:$((CH_TCP_BASE + n))"; done
  echo "$hosts"
}

up_clickhouse_cluster() {
  up_zookeeper
  local n; for n in 1 2 3 4; do up_ch "$n"; done
  # The first node answers; the driver fails over to the others (alt_hosts) when it does not.
  cluster_set_env CLICKHOUSE_URL "clickhouse://127.0.0.1:$((CH_TCP_BASE + 1))/bazaar?alt_hosts=$(ch_hosts | cut -d, -f2-)"
  cluster_set_env CLICKHOUSE_CLUSTER "$CLUSTER_NAME"
  log "clickhouse ready: 2 shards × 2 replicas on $(ch_hosts)"
}
down_clickhouse_cluster() { local n; for n in 4 3 2 1; do cluster_stop "ch$n"; done; }
status_clickhouse_cluster() { local n; for n in 1 2 3 4; do curl -sf "http://127.0.0.1:$((CH_HTTP_BASE + n))/ping" >/dev/null || return 1; done; }

# --- Kafka: three KRaft nodes, each broker and controller ------------------------------------
kafka_voters() {
  local n voters=""
  for n in 1 2 3; do voters="$voters${voters:+,}$n@127.0.0.1:$((KAFKA_CONTROLLER_BASE + n))"; done
  echo "$voters"
}

kafka_bootstrap() {
  local n servers=""
  for n in 1 2 3; do servers="$servers${servers:+,}127.0.0.1:$((KAFKA_BASE + n))"; done
  echo "$servers"
}

up_kafka_node() {  # up_kafka_node N
  local n=$1 name="kafka$1" dir="$CLUSTER_DIR/kafka$1" port=$((KAFKA_BASE + $1))
  if ! port_open "$port"; then
    local lib home; lib=$(fetch_jars kafka)
    home=$(java_home_for 17) || { apt_install openjdk-17-jre-headless; home=$(java_home_for 17); }
    mkdir -p "$dir/data"
    cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(kafka_voters)
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$((KAFKA_CONTROLLER_BASE + n))
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=$KAFKA_PARTITIONS_CLUSTER
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
group.initial.rebalance.delay.ms=0
auto.leader.rebalance.enable=true
leader.imbalance.check.interval.seconds=10
PROPS
    if [ ! -f "$dir/data/meta.properties" ]; then
      local id_file="$CLUSTER_DIR/kafka.cluster-id"
      if [ ! -s "$id_file" ]; then
        "$home/bin/java" -cp "$lib/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 > "$id_file"
      fi
      "$home/bin/java" -cp "$lib/*" kafka.tools.StorageTool format -t "$(cat "$id_file")" \
        -c "$dir/server.properties" >/dev/null
    fi
    log "starting Kafka $name on 127.0.0.1:$port"
    cluster_start "$name" "$home/bin/java" -Xms256m -Xmx384m -XX:+UseSerialGC -cp "$lib/*" kafka.Kafka "$dir/server.properties"
  fi
}

up_kafka_cluster() {
  local n; for n in 1 2 3; do up_kafka_node "$n"; done
  for n in 1 2 3; do wait_for "kafka$n" 90 port_open "$((KAFKA_BASE + n))"; done
  cluster_set_env KAFKA_BOOTSTRAP_SERVERS "$(kafka_bootstrap)"
  cluster_set_env KAFKA_PARTITIONS "$KAFKA_PARTITIONS_CLUSTER"
  cluster_set_env KAFKA_REPLICATION_FACTOR 3
  cluster_set_env KAFKA_MIN_INSYNC_REPLICAS 2
  log "kafka ready: 3 KRaft nodes on $(kafka_bootstrap)"
}
down_kafka_cluster() { local n; for n in 3 2 1; do cluster_stop "kafka$n"; done; }
status_kafka_cluster() { local n; for n in 1 2 3; do port_open "$((KAFKA_BASE + n))" || return 1; done; }

# --- OpenSearch: two nodes, one cluster --------------------------------------------------------
search_urls() { echo "http://127.0.0.1:$((SEARCH_HTTP_BASE + 1)),http://127.0.0.1:$((SEARCH_HTTP_BASE + 2))"; }

up_search_node() {  # up_search_node N
  local n=$1 name="search$1" http=$((SEARCH_HTTP_BASE + $1))
  if ! curl -sf "http://127.0.0.1:$http/" >/dev/null; then
    local lib home; lib=$(fetch_jars opensearch)
    home=$(java_home_for 21) || { log "OpenSearch needs Java 21 or newer"; return 1; }
    local seeds="127.0.0.1:$((SEARCH_TRANSPORT_BASE + 1)),127.0.0.1:$((SEARCH_TRANSPORT_BASE + 2))"
    mkdir -p "$CLUSTER_DIR/$name/data"
    log "starting OpenSearch $name on 127.0.0.1:$http"
    cluster_start "$name" "$home/bin/java" -Xms512m -Xmx512m -cp "$lib/*" "$ROOT/scripts/java/opensearch/ClusterNode.java" \
      "$CLUSTER_DIR/$name/data" "$CLUSTER_NAME-search" "$name" "$http" "$((SEARCH_TRANSPORT_BASE + n))" "$seeds" \
      "search1,search2"
  fi
}

up_search_cluster() {
  up_search_node 1; up_search_node 2
  local n; for n in 1 2; do wait_for "search$n" 180 curl -sf "http://127.0.0.1:$((SEARCH_HTTP_BASE + n))/"; done
  wait_for search 120 curl -sf "http://127.0.0.1:$((SEARCH_HTTP_BASE + 1))/_cluster/health?wait_for_nodes=2&timeout=1s"
  cluster_set_env SEARCH_URL "$(search_urls)"
  cluster_set_env SEARCH_REPLICAS 1
  log "search ready: 2 nodes on $(search_urls)"
}
down_search_cluster() { cluster_stop search2; cluster_stop search1; }
status_search_cluster() { local n; for n in 1 2; do curl -sf "http://127.0.0.1:$((SEARCH_HTTP_BASE + n))/" >/dev/null || return 1; done; }

# --- Spark: a standalone master and two workers, from pyspark's own launcher --------------------
spark_home() { "$ROOT/.venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'; }

spark_class() {  # spark_class NAME CLASS ARGS...
  local name=$1; shift
  local home; home=$(java_home_for 17) || { apt_install openjdk-17-jre-headless; home=$(java_home_for 17); }
  mkdir -p "$CLUSTER_DIR/$name"
  cluster_start "$name" env SPARK_HOME="$(spark_home)" JAVA_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 \
    SPARK_LOG_DIR="$CLUSTER_DIR/$name" SPARK_DAEMON_MEMORY=256m SPARK_NO_DAEMONIZE=1 \
    "$(spark_home)/bin/spark-class" "$@"
}

up_spark_master() {
  if ! curl -sf "http://127.0.0.1:$SPARK_MASTER_UI_PORT/json/" >/dev/null; then
    log "starting the Spark master on spark://127.0.0.1:$SPARK_MASTER_PORT"
    spark_class spark-master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$SPARK_MASTER_PORT" \
      --webui-port "$SPARK_MASTER_UI_PORT"
  fi
  wait_for spark-master 90 curl -sf "http://127.0.0.1:$SPARK_MASTER_UI_PORT/json/"
}

up_spark_worker() {  # up_spark_worker N
  local n=$1 ui=$((SPARK_WORKER_UI_BASE + $1))
  if ! curl -sf "http://127.0.0.1:$ui/json/" >/dev/null; then
    log "starting Spark worker $n (1 core, $SPARK_WORKER_MEMORY)"
    mkdir -p "$CLUSTER_DIR/spark-worker$n/work"
    spark_class "spark-worker$n" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$SPARK_MASTER_PORT" \
      --host 127.0.0.1 --cores 1 --memory "$SPARK_WORKER_MEMORY" --webui-port "$ui" \
      --work-dir "$CLUSTER_DIR/spark-worker$n/work"
  fi
  wait_for "spark-worker$n" 90 curl -sf "http://127.0.0.1:$ui/json/"
}

spark_alive_workers() {
  curl -sf "http://127.0.0.1:$SPARK_MASTER_UI_PORT/json/" | "$ROOT/.venv/bin/python" -c \
    'import json, sys; print(sum(w["state"] == "ALIVE" for w in json.load(sys.stdin)["workers"]))'
}

spark_workers_registered() {  # both workers count as alive at the master (asked anew at each call)
  [ "$(spark_alive_workers 2>/dev/null)" = 2 ]
}

up_spark_cluster() {
  spark  # the JDBC drivers the jobs read with
  up_spark_master; up_spark_worker 1; up_spark_worker 2
  wait_for spark-workers 180 spark_workers_registered
  cluster_set_env SPARK_MASTER "spark://127.0.0.1:$SPARK_MASTER_PORT"
  cluster_set_env SPARK_MASTER_STATUS_URL "http://127.0.0.1:$SPARK_MASTER_UI_PORT/json/"
  log "spark ready: a master on spark://127.0.0.1:$SPARK_MASTER_PORT and 2 workers"
}
down_spark_cluster() { cluster_stop spark-worker2; cluster_stop spark-worker1; cluster_stop spark-master; }
status_spark_cluster() { spark_workers_registered; }

# --- Web: two gunicorn instances behind HAProxy ----------------------------------------------
# The instances run with the environment `up web` was given (DATABASE_URL, ...) plus the
# cluster's settings; .stack/cluster/web.env keeps it, so one instance restarts as it was.
up_web_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
  if ! redis-cli -p "$WEB_REDIS_PORT" ping >/dev/null 2>&1; then
    mkdir -p "$CLUSTER_DIR/web-redis"
    log "starting the web instances' Redis on 127.0.0.1:$WEB_REDIS_PORT"
    redis-server --port "$WEB_REDIS_PORT" --bind 127.0.0.1 --dir "$CLUSTER_DIR/web-redis" --daemonize yes \
      --pidfile "$CLUSTER_DIR/web-redis/web-redis.pid" --logfile "$CLUSTER_DIR/web-redis/web-redis.log" \
      --save "" >/dev/null
  fi
  wait_for web-redis 20 redis-cli -p "$WEB_REDIS_PORT" ping
}

web_env_file() { echo "$CLUSTER_DIR/web.env"; }

cluster_secret_key() {  # one random SECRET_KEY for the topology's web instances, made once, kept private
  local file="$CLUSTER_DIR/secret-key"
  if [ ! -s "$file" ]; then
    mkdir -p "$CLUSTER_DIR"
    (umask 077; "$ROOT/.venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$file")
  fi
  cat "$file"
}

write_web_env() {
  local database=${DATABASE_URL:-}
  [ -n "$database" ] || database=$(grep -s '^DATABASE_URL=' "$ENV_FILE" | cut -d= -f2- || true)
  [ -n "$database" ] || { log "web needs DATABASE_URL (PostgreSQL): run scripts/stack up postgres"; return 1; }
  mkdir -p "$CLUSTER_DIR"
  touch "$(web_env_file)" && chmod 600 "$(web_env_file)"  # it holds the secret key: private before it is written
  {
    echo "DATABASE_URL=$database"
    echo "SECRET_KEY=${SECRET_KEY:-$(cluster_secret_key)}"
    echo "REDIS_URL=redis://127.0.0.1:$WEB_REDIS_PORT/0"
    echo "CELERY_BROKER_URL=redis://127.0.0.1:$WEB_REDIS_PORT/1"
    echo "TRUSTED_PROXY_COUNT=1"  # HAProxy appends the client's address to X-Forwarded-For
    echo "TRUSTED_PROXY_NETWORKS=127.0.0.1/32"  # ... and connects from loopback
    grep -s -E '^(CLICKHOUSE_URL|CLICKHOUSE_CLUSTER|KAFKA_[A-Z_]+|SEARCH_URL|SEARCH_REPLICAS|SPARK_MASTER)=' "$CLUSTER_ENV" || true
    grep -s -E '^(S3_[A-Z_]+)=' "$ENV_FILE" || true
    local name
    for name in JWT_SIGNING_KEY DEBUG ALLOWED_HOSTS DJANGO_SETTINGS_MODULE PASSWORD_HASHERS SEARCH_INDEX_PREFIX \
        KAFKA_EVENTS_TOPIC DB_CONN_MAX_AGE MAX_UNPAID_ORDERS; do
      if [ -n "${!name:-}" ]; then echo "$name=${!name}"; fi
    done
  } > "$(web_env_file)"
  chmod 600 "$(web_env_file)"  # it holds the secret key
}

up_web_instance() {  # up_web_instance N
  local n=$1 port=$((WEB_BASE + $1))
  if ! curl -sf "http://127.0.0.1:$port/health/live" >/dev/null; then
    [ -f "$(web_env_file)" ] || write_web_env
    log "starting web$n (gunicorn) on 127.0.0.1:$port"
    local settings; mapfile -t settings < "$(web_env_file)"
    cluster_start "web$n" env -i PATH="$PATH" HOME="${HOME:-/root}" "${settings[@]}" \
      "$ROOT/.venv/bin/python" -m gunicorn config.wsgi --chdir "$ROOT" -b "127.0.0.1:$port" \
      -w "$WEB_WORKERS" --threads 4 --graceful-timeout 20 --timeout 30
  fi
  wait_for "web$n" 60 curl -sf "http://127.0.0.1:$port/health/live"
}

write_haproxy_config() {
  mkdir -p "$CLUSTER_DIR/haproxy"
  cat > "$CLUSTER_DIR/haproxy/haproxy.cfg" <<CFG
# Two web instances; a server leaves the rotation when /health/ready fails (503: no database)
# and a request it refused the connection to is sent to the other (retries, redispatch).
global
    maxconn 512
    stats socket $CLUSTER_DIR/haproxy/admin.sock mode 600 level admin
    log stdout format raw local0

defaults
    mode http
    log global
    # the request line without the tokens of mailed links or query secrets (docker/haproxy/haproxy.cfg, shop/access_log.py's rule)
    log-format "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq \"%HM %[capture.req.uri,regsub('(/(reset|signup/confirm)/[^/]+/)[^/?]+','\1[redacted]'),regsub('([?&;][a-z_.-]*(token|key|code|password|secret|signature|auth)=)[^&;]*','\1[redacted]',ig)] %HV\""
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout check 5s
    timeout http-request 10s
    retries 3
    option redispatch 1
    # A request an instance refused or dropped unanswered (it was stopping) is sent to the other.
    # HAProxy resends only a request it holds whole, so it waits for the body (one buffer at most)
    # before choosing a server; without that, a POST whose body came in a second packet was not
    # retried and the client's connection was closed without an answer. A request that timed out
    # is not resent: the instance may have done it (a cart line added twice).
    option http-buffer-request
    retry-on conn-failure empty-response
    option forwardfor
    option http-server-close

frontend shop
    bind 127.0.0.1:$WEB_BASE
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
    default-server inter 2s fastinter 1s downinter 1s fall 3 rise 2
    http-response set-header X-Served-By %[srv_name]
    server web1 127.0.0.1:$((WEB_BASE + 1)) check
    server web2 127.0.0.1:$((WEB_BASE + 2)) check
CFG
}

up_haproxy() {
  command -v haproxy >/dev/null || apt_install haproxy
  if ! cluster_running haproxy; then
    write_haproxy_config
    haproxy -c -q -f "$CLUSTER_DIR/haproxy/haproxy.cfg"
    log "starting HAProxy on 127.0.0.1:$WEB_BASE"
    cluster_start haproxy haproxy -db -f "$CLUSTER_DIR/haproxy/haproxy.cfg"
  fi
  wait_for haproxy 30 curl -sf "http://127.0.0.1:$WEB_BASE/health/live"
}

up_web() {
  up_web_redis
  rm -f "$(web_env_file)"
  write_web_env
  up_web_instance 1; up_web_instance 2; up_haproxy
  cluster_set_env CLUSTER_WEB_URL "http://127.0.0.1:$WEB_BASE"
  cluster_set_env SECRET_KEY "$(cluster_secret_key)"  # for manage.py beside the instances (make cluster)
  log "web ready: http://127.0.0.1:$WEB_BASE (HAProxy) → web1, web2"
}
down_web() {
  cluster_stop haproxy; cluster_stop web2; cluster_stop web1
  redis-cli -p "$WEB_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}
status_web() { curl -sf "http://127.0.0.1:$WEB_BASE/health/live" >/dev/null; }

# --- dispatch ----------------------------------------------------------------------------------
cluster_node_up() {  # one component or one node
  case "$1" in
    zookeeper) up_zookeeper ;;
    clickhouse) up_clickhouse_cluster ;;
    ch[1-4]) up_ch "${1#ch}" ;;
    kafka) up_kafka_cluster ;;
    kafka[1-3]) up_kafka_node "${1#kafka}"; wait_for "$1" 90 port_open "$((KAFKA_BASE + ${1#kafka}))" ;;
    search) up_search_cluster ;;
    search[12]) up_search_node "${1#search}"; wait_for "$1" 180 curl -sf "http://127.0.0.1:$((SEARCH_HTTP_BASE + ${1#search}))/" ;;
    spark) up_spark_cluster ;;
    spark-master) up_spark_master ;;
    spark-worker[12]) up_spark_worker "${1#spark-worker}" ;;
    web) up_web ;;
    web[12]) up_web_instance "${1#web}" ;;
    haproxy) up_haproxy ;;
    *) log "unknown cluster component: $1"; return 2 ;;
  esac
}

cluster_node_down() {
  case "$1" in
    zookeeper) down_zookeeper ;;
    clickhouse) down_clickhouse_cluster ;;
    kafka) down_kafka_cluster ;;
    search) down_search_cluster ;;
    spark) down_spark_cluster ;;
    web) down_web ;;
    ch[1-4] | kafka[1-3] | search[12] | spark-master | spark-worker[12] | web[12] | haproxy) cluster_stop "$1" ;;
    *) log "unknown cluster component: $1"; return 2 ;;
  esac
}

cluster() {
  local action=${1:-up}; shift || true
  local targets=("$@") target
  case "$action" in
    up)
      [ ${#targets[@]} -gt 0 ] || targets=("${CLUSTER_COMPONENTS[@]}")
      for target in "${targets[@]}"; do cluster_node_up "$target"; done ;;
    down)
      if [ ${#targets[@]} -eq 0 ]; then  # the whole topology: its settings go too (the tests skip without them)
        targets=(web spark search kafka clickhouse zookeeper)
        rm -f "$CLUSTER_ENV"
      fi
      for target in "${targets[@]}"; do cluster_node_down "$target"; done ;;
    kill)
      for target in "${targets[@]}"; do
        cluster_running "$target" || { echo "scripts/stack cluster kill: no running node $target" >&2; return 2; }
        cluster_stop "$target" KILL
      done ;;
    status)
      for target in zookeeper clickhouse_cluster kafka_cluster search_cluster spark_cluster web; do
        if "status_$target" 2>/dev/null; then echo "${target%_cluster}: up"; else echo "${target%_cluster}: down"; fi
      done ;;
    *) echo "usage: scripts/stack cluster up|down|kill|status [component|node ...]" >&2; return 2 ;;
  esac
}
