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
// Package cost_test checks cost- and carbon-aware placement on one shared
// local fleet with Prometheus: the seed's examples 11 and 13, prices that
// move placement (gradually, past a threshold), a budget that blocks
// scale-up, and a cheap cluster below the SLO that is never chosen. Prices
// are properties of the two Clusters, shared by every test, so the tests
// run one after another. SLIs come from the simulated kubelet's load model:
// simulated traffic, not measured.
package cost_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/test/framework"
)

// fleetYAML names the clusters as example 11 does.
const fleetYAML = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: cost
spec:
  clusters:
  - name: spot-cluster
  - name: ondemand-cluster
`

var fleet *framework.Fleet

func TestMain(m *testing.M) {
	var err error
	fleet, err = framework.StartWith(context.Background(), framework.Options{FleetYAML: fleetYAML, Prometheus: true,
		// SLIs and estimates refresh within seconds; the rules are the
		// same at the default 30 s.
		ControllerManagerArgs: []string{"--intelligent-scheduler-resync=3s"}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start local fleet: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := fleet.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

func createNamespace(t *testing.T, ns string) {
	t.Helper()
	if err := fleet.ControlPlane.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
}

// apply creates or updates a YAML stream's objects in namespace ns.
func apply(t *testing.T, ns, manifests string) {
	t.Helper()
	if err := framework.Apply(t.Context(), fleet.ControlPlane, ns, "cost-test", manifests); err != nil {
		t.Fatal(err)
	}
}

// setPrices writes each cluster's on-demand vCPU and GiB prices as an
// exporter would: with the time they were observed.
func setPrices(t *testing.T, vcpuHour map[string]string) {
	t.Helper()
	for name, price := range vcpuHour {
		c := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
		body := fmt.Sprintf(`{"metadata":{"annotations":{%q:%q,%q:"0.004",%q:%q}}}`,
			clusterproperties.VCPUHourUSD, price, clusterproperties.GiBHourUSD, clusterproperties.ObservedAt, time.Now().UTC().Format(time.RFC3339))
		if err := fleet.ControlPlane.Patch(t.Context(), c, client.RawPatch("application/merge-patch+json", []byte(body))); err != nil {
			t.Fatal(err)
		}
	}
}

// split is a binding's decision by cluster.
func split(g Gomega, ns, name string) map[string]int32 {
	rb := binding(g, ns, name)
	out := map[string]int32{}
	for _, c := range rb.Spec.Clusters {
		out[c.Name] = c.Replicas
	}
	return out
}

func binding(g Gomega, ns, name string) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{}
	g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name + "-deployment"}, rb)).To(Succeed())
	return rb
}

// dividedApp is a Deployment of 100m replicas with its Service (simulated
// load, rps requests/s fleet-wide) and a policy dividing it over both
// clusters by available replicas: no weights of its own.
func dividedApp(name string, replicas int, rps string) string {
	return framework.SimulatedWorkload(name, replicas, rps) + fmt.Sprintf(`---
apiVersion: policy.karmada.io/v1alpha1
kind: PropagationPolicy
metadata: {name: %[1]s}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: %[1]s}
  - {apiVersion: v1, kind: Service, name: %[1]s}
  placement:
    clusterAffinity: {clusterNames: [spot-cluster, ondemand-cluster]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference: {dynamicWeight: AvailableReplicas}
`, name)
}
