// One OpenSearch node that joins others: OpenSearch Runner's own main() makes every
// one-node runner a single-node cluster, so the cluster topology (`make cluster`)
// starts each node through this launcher, which sets the discovery settings first.
// Run as a single source file: java -cp 'LIB/*' ClusterNode.java BASE CLUSTER NODE HTTP TRANSPORT SEEDS MANAGERS
import org.codelibs.opensearch.runner.OpenSearchRunner;

public class ClusterNode {
    public static void main(String[] args) throws Exception {
        String basePath = args[0], clusterName = args[1], nodeName = args[2];
        String httpPort = args[3], transportPort = args[4], seeds = args[5], managers = args[6];
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(Integer.parseInt(httpPort));  // its default range stops at 9299
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception ignored) {
                // the process is exiting anyway
            }
        }));
        runner.onBuild((number, settings) -> {
            settings.put("node.name", nodeName);
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "zen");
            settings.putList("discovery.seed_hosts", seeds.split(","));
            settings.putList("cluster.initial_cluster_manager_nodes", managers.split(","));
        }).build(OpenSearchRunner.newConfigs().basePath(basePath).clusterName(clusterName).numOfNode(1)
                .baseHttpPort(Integer.parseInt(httpPort) - 1));
        while (!runner.isClosed()) {
            Thread.sleep(5000);
        }
    }
}
