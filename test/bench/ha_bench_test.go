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

package bench

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/go-logr/logr"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/test/framework"
)

const haFleet = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: ha
  annotations:
    local.kurator.dev/node-pools: '{"east": {"count": 1}, "west": {"count": 1}}'
spec:
  clusters:
  - {name: east}
  - {name: west}
`

// BenchmarkHA measures a highly available local fleet ('kurator up --ha':
// three control-plane replicas, two controller-managers, two light members):
// its start-up time and memory; leader failover over 10 SIGKILLs of the
// leading controller-manager (until the standby holds the Lease, and until
// a template created right after the kill reaches a member); and the
// control plane's write rate before, while and after its etcd leader's
// replica is stopped. b.N is ignored beyond the first iteration: one fleet
// gives every figure.
func BenchmarkHA(b *testing.B) {
	ctrllog.SetLogger(logr.Discard())
	ctx := context.Background()
	dir := b.TempDir()
	fleetFile := dir + "/fleet.yaml"
	if err := os.WriteFile(fleetFile, []byte(haFleet), 0o600); err != nil {
		b.Fatal(err)
	}
	lf := localfleet.New(localfleet.Options{Dir: dir + "/state", FleetFile: fleetFile, DieWithParent: true, HA: true})
	start := time.Now()
	if err := lf.Up(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "s/ha-up")
	b.ReportMetric(fleetRSSMiB(b, lf), "MiB-RSS")
	defer func() { _ = lf.Down(true) }()
	c, err := framework.ClientFor(lf.Layout().ClusterKubeconfig(localfleet.ControlPlaneName))
	if err != nil {
		b.Fatal(err)
	}
	f := &framework.Fleet{Fleet: lf, Dir: dir, ControlPlane: c}

	lease, reconcile := leaderFailovers(b, ctx, f, 10)
	b.ReportMetric(percentile(lease, 0.5).Seconds(), "s/lease-takeover-p50")
	b.ReportMetric(slices.Max(lease).Seconds(), "s/lease-takeover-max")
	b.ReportMetric(percentile(reconcile, 0.5).Seconds(), "s/reconcile-resumed-p50")
	b.ReportMetric(slices.Max(reconcile).Seconds(), "s/reconcile-resumed-max")

	// Writes through a client without client-side rate limits.
	f.ControlPlane = fastClient(b, f)
	before, during, after, failed := writesAroundReplicaStop(b, ctx, f, 10*time.Second)
	b.ReportMetric(before, "writes/s-before")
	b.ReportMetric(during, "writes/s-one-down")
	b.ReportMetric(after, "writes/s-after")
	b.ReportMetric(float64(failed), "failed-writes")
}

// leaderFailovers SIGKILLs the leading controller-manager n times and
// measures, from each kill, when the standby holds the Lease and when a
// ConfigMap created just after the kill is in member east.
func leaderFailovers(b *testing.B, ctx context.Context, f *framework.Fleet, n int) (lease, reconcile []time.Duration) {
	ns := "ha-failover"
	createNamespace(b, ctx, f.ControlPlane, ns)
	pp := &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "to-east"},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap"}},
			Placement:         policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{"east"}}},
		},
	}
	if err := f.ControlPlane.Create(ctx, pp); err != nil {
		b.Fatal(err)
	}
	east, err := f.Member("east")
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		old, err := f.ControllerManagerLeader(ctx)
		if err != nil {
			b.Fatal(err)
		}
		killed := time.Now()
		if err := f.Kill(old); err != nil {
			b.Fatal(err)
		}
		name := "probe-" + strconv.Itoa(i)
		if err := f.ControlPlane.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}); err != nil {
			b.Fatal(err)
		}
		var took, arrived time.Duration
		for took == 0 || arrived == 0 {
			if time.Since(killed) > 2*time.Minute {
				b.Fatalf("no failover within 2 minutes of killing %s", old)
			}
			if took == 0 && leaseHolder(ctx, f.ControlPlane) != "" && leaseHolder(ctx, f.ControlPlane) != old {
				took = time.Since(killed)
			}
			if arrived == 0 {
				if _, err := east.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{}); err == nil {
					arrived = time.Since(killed)
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		lease, reconcile = append(lease, took), append(reconcile, arrived)
		if err := f.StartControllerManager(ctx); err != nil {
			b.Fatal(err)
		}
	}
	return lease, reconcile
}

func leaseHolder(ctx context.Context, c client.Client) string {
	var l coordinationv1.Lease
	if err := c.Get(ctx, client.ObjectKey{Namespace: components.Namespace, Name: components.LeaderElectionID}, &l); err != nil || l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

// writesAroundReplicaStop writes ConfigMaps one after another, as fast as
// one client can, for window each: with every replica up, with the etcd
// leader's replica stopped, and after it is back. Failed writes are counted
// (and not retried).
func writesAroundReplicaStop(b *testing.B, ctx context.Context, f *framework.Fleet, window time.Duration) (before, during, after float64, failed int) {
	ns := "ha-writes"
	createNamespace(b, ctx, f.ControlPlane, ns)
	seq := 0
	rate := func() float64 {
		ok := 0
		end := time.Now().Add(window)
		for time.Now().Before(end) {
			seq++
			err := f.ControlPlane.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "w-" + strconv.Itoa(seq)}})
			if err != nil {
				failed++
				continue
			}
			ok++
		}
		return float64(ok) / window.Seconds()
	}
	before = rate()
	var leader string
	for deadline := time.Now().Add(time.Minute); leader == ""; time.Sleep(time.Second) {
		if time.Now().After(deadline) {
			b.Fatal("no replica reported an etcd leader within a minute")
		}
		if st, err := f.ControlPlaneStatus(ctx); err == nil {
			leader = st.EtcdLeader()
		}
	}
	if err := f.StopCluster(leader); err != nil {
		b.Fatal(err)
	}
	during = rate()
	if err := f.StartCluster(ctx, leader); err != nil {
		b.Fatal(err)
	}
	after = rate()
	return before, during, after, failed
}
