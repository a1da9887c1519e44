/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package pull_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/internal/scheme"
)

// controlPlaneServer is the control plane's address and CA.
func controlPlaneServer(g Gomega) *rest.Config {
	cfg, err := clientcmd.BuildConfigFromFlags("", fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	g.Expect(err).NotTo(HaveOccurred())
	return &rest.Config{Host: cfg.Host, TLSClientConfig: rest.TLSClientConfig{CAData: cfg.CAData}}
}

// agentClient talks to the control plane as the pull member's agent does,
// with the certificate the control plane issued to it.
func agentClient(g Gomega) client.Client {
	cfg := controlPlaneServer(g)
	dir := fleet.Layout().AgentCertDir(pulled)
	cfg.CertFile, cfg.KeyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	return c
}

// The agent's identity reaches its own Cluster, execution namespace and
// Lease, and nothing else: not another member's Works, not the templates,
// not Secrets, not another Cluster.
func TestAgentIdentityIsLeastPrivileged(t *testing.T) {
	g := NewWithT(t)
	ctx := t.Context()
	c := agentClient(g)

	own := &karmadaclusterv1alpha1.Cluster{}
	g.Expect(c.Get(ctx, client.ObjectKey{Name: pulled}, own)).To(Succeed())
	var works workv1alpha1.WorkList
	g.Expect(c.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)))).To(Succeed())
	g.Expect(c.Get(ctx, client.ObjectKey{Namespace: karmadaclusterv1alpha1.ClusterLeaseNamespace, Name: pulled}, &coordinationv1.Lease{})).To(Succeed())

	forbidden := func(err error, what string) {
		t.Helper()
		g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "%s: want Forbidden, got %v", what, err)
	}
	forbidden(c.List(ctx, &workv1alpha1.WorkList{}, client.InNamespace(workv1alpha1.ExecutionNamespace("cluster-hangzhou"))), "Works of another member")
	forbidden(c.Get(ctx, client.ObjectKey{Name: "cluster-hangzhou"}, &karmadaclusterv1alpha1.Cluster{}), "another Cluster")
	forbidden(c.List(ctx, &karmadaclusterv1alpha1.ClusterList{}), "every Cluster")
	forbidden(c.List(ctx, &corev1.ConfigMapList{}, client.InNamespace("default")), "templates")
	forbidden(c.List(ctx, &corev1.SecretList{}), "Secrets")
	forbidden(c.Get(ctx, client.ObjectKey{Namespace: karmadaclusterv1alpha1.ClusterLeaseNamespace, Name: "cluster-hangzhou"}, &coordinationv1.Lease{}), "another member's Lease")
	other := own.DeepCopy()
	other.Name, other.ResourceVersion, other.UID = "cluster-frankfurt", "", ""
	forbidden(c.Create(ctx, other), "registering another Cluster")
}

// memberWrites counts the write requests a member's API server has served
// for the given resources (its apiserver_request_total): what the agent
// sent, whether or not it changed anything.
func memberWrites(g Gomega, cluster string, resources ...string) int {
	raw, err := member(g, cluster).Discovery().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	g.Expect(err).NotTo(HaveOccurred())
	total := 0
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_request_total{") {
			continue
		}
		labels, value, _ := strings.Cut(line[len("apiserver_request_total{"):], "} ")
		if !hasLabel(labels, "subresource", "") {
			continue
		}
		write := false
		for _, verb := range []string{"APPLY", "PATCH", "UPDATE", "CREATE", "DELETE", "DELETECOLLECTION"} {
			write = write || hasLabel(labels, "verb", verb)
		}
		for _, r := range resources {
			if write && hasLabel(labels, "resource", r) {
				n, err := strconv.ParseFloat(value, 64)
				g.Expect(err).NotTo(HaveOccurred())
				total += int(n)
			}
		}
	}
	return total
}

func hasLabel(labels, name, value string) bool {
	for _, kv := range strings.Split(labels, ",") {
		k, v, _ := strings.Cut(kv, "=")
		if k == name {
			return v == strconv.Quote(value)
		}
	}
	return value == ""
}

// agentMetric reads one counter or gauge of the running agent, summed over
// its series whose labels contain match.
func agentMetric(g Gomega, name, match string) float64 {
	url, err := os.ReadFile(fleet.Layout().AgentMetricsFile(pulled))
	g.Expect(err).NotTo(HaveOccurred())
	raw, err := httpGet(string(url))
	g.Expect(err).NotTo(HaveOccurred())
	var sum float64
	for _, line := range strings.Split(raw, "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") || !strings.Contains(line, match) {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		g.Expect(err).NotTo(HaveOccurred())
		sum += v
	}
	return sum
}
