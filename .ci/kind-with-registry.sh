#!/usr/bin/env bash
# A kind cluster with a local registry on localhost:5001, for the e2e-kind
# workflow's jobs: kind's local-registry recipe
# (site/static/examples/kind-with-registry.sh), plus the ingress node ports
# 30080 (HTTP) and 30443 (HTTPS) mapped to the runner. Needs kind, kubectl and docker; reads
# NODE_IMAGE (kindest/node pinned by digest) and KIND_CLUSTER.
set -euo pipefail
: "${NODE_IMAGE:?set NODE_IMAGE to a kindest/node image pinned by digest}"
: "${KIND_CLUSTER:?set KIND_CLUSTER to the cluster name}"
reg_name=kind-registry
reg_port=5001
docker run -d --restart=always -p "127.0.0.1:${reg_port}:5000" --network bridge --name "$reg_name" registry:3
cat <<YAML | kind create cluster --name "$KIND_CLUSTER" --image "$NODE_IMAGE" --wait 120s --config=-
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
containerdConfigPatches:
  - |-
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "/etc/containerd/certs.d"
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: 30080
        hostPort: 30080
      - containerPort: 30443
        hostPort: 30443
YAML
for node in $(kind get nodes --name "$KIND_CLUSTER"); do
  docker exec "$node" mkdir -p "/etc/containerd/certs.d/localhost:${reg_port}"
  printf '[host."http://%s:5000"]\n' "$reg_name" | docker exec -i "$node" cp /dev/stdin "/etc/containerd/certs.d/localhost:${reg_port}/hosts.toml"
done
if [ "$(docker inspect -f='{{json .NetworkSettings.Networks.kind}}' "$reg_name")" = 'null' ]; then
  docker network connect kind "$reg_name"
fi
cat <<YAML | kubectl apply -f -
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:${reg_port}"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
YAML
