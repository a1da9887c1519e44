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

package attachedcluster

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/scheme"
)

var testNow = time.Date(2026, 7, 8, 9, 10, 11, 0, time.UTC)

// secretToken is the credential in the test kubeconfigs: it must never
// show in a status or an event.
const secretToken = "s3cr3t-t0ken-do-not-print"

// kubeconfig is a kubeconfig for server whose current context is "member".
func kubeconfig(server string) []byte {
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
current-context: member
clusters:
- name: member
  cluster:
    server: %q
contexts:
- name: member
  context: {cluster: member, user: admin}
users:
- name: admin
  user:
    token: %s
`, server, secretToken)
}

func kubeconfigSecret(data map[string][]byte) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "sh-kubeconfig", Namespace: "fleets"}, Data: data}
}

// attachedCluster is AttachedCluster "sh" (generation 2), finalizer set,
// reading Secret sh-kubeconfig.
func attachedCluster(mutate ...func(*clusterv1alpha1.AttachedCluster)) *clusterv1alpha1.AttachedCluster {
	ac := &clusterv1alpha1.AttachedCluster{
		ObjectMeta: metav1.ObjectMeta{Name: "sh", Namespace: "fleets", Generation: 2, Finalizers: []string{Finalizer}},
		Spec:       clusterv1alpha1.AttachedClusterSpec{Kubeconfig: clusterv1alpha1.KubeconfigRef{SecretRef: &clusterv1alpha1.SecretKeyRef{Name: "sh-kubeconfig"}}},
	}
	for _, m := range mutate {
		m(ac)
	}
	return ac
}

type fixture struct {
	t      *testing.T
	client client.Client
	r      *Reconciler
	clock  *clocktesting.FakePassiveClock
	events *events.FakeRecorder
	// seen are every event recorded so far, for the leak check.
	seen []string
}

func newFixture(t *testing.T, objs ...client.Object) *fixture {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).
		WithStatusSubresource(&clusterv1alpha1.AttachedCluster{}, &karmadaclusterv1alpha1.Cluster{}).Build()
	clk := clocktesting.NewFakePassiveClock(testNow)
	rec := events.NewFakeRecorder(100)
	return &fixture{t: t, client: c, r: &Reconciler{Client: c, Recorder: rec, Clock: clk}, clock: clk, events: rec}
}

// reconcile reconciles AttachedCluster sh and returns it, or nil once it
// is gone.
func (f *fixture) reconcile() *clusterv1alpha1.AttachedCluster {
	f.t.Helper()
	key := client.ObjectKey{Namespace: "fleets", Name: "sh"}
	if res, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: key}); err != nil || !res.IsZero() {
		f.t.Fatalf("reconcile = %+v, %v; want done", res, err)
	}
	ac := &clusterv1alpha1.AttachedCluster{}
	if err := f.client.Get(context.Background(), key, ac); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		f.t.Fatal(err)
	}
	f.noSecretIn(ac.Status)
	return ac
}

// cluster returns Cluster name, or nil.
func (f *fixture) cluster(name string) *karmadaclusterv1alpha1.Cluster {
	f.t.Helper()
	c := &karmadaclusterv1alpha1.Cluster{}
	if err := f.client.Get(context.Background(), client.ObjectKey{Name: name}, c); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		f.t.Fatal(err)
	}
	return c
}

// recorded returns the events recorded since the last call.
func (f *fixture) recorded() []string {
	f.t.Helper()
	var out []string
	for {
		select {
		case e := <-f.events.Events:
			out = append(out, e)
		default:
			f.seen = append(f.seen, out...)
			f.noSecretIn(f.seen)
			return out
		}
	}
}

// noSecretIn fails the test if v, as JSON, holds the kubeconfig's
// credential.
func (f *fixture) noSecretIn(v any) {
	f.t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	if strings.Contains(string(raw), secretToken) {
		f.t.Fatalf("the kubeconfig's credential leaked: %s", raw)
	}
}

// condition is the AttachedCluster condition t, as this controller writes
// it at the fixture's clock.
func condition(t string, status metav1.ConditionStatus, reason, message string) metav1.Condition {
	return metav1.Condition{Type: t, Status: status, Reason: reason, Message: message, ObservedGeneration: 2, LastTransitionTime: metav1.NewTime(testNow)}
}
