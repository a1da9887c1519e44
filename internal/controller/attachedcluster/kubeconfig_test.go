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
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
)

// TestBadInputSetsAConditionAndMakesNoCluster: each way the kubeconfig or
// the Cluster name can be wrong ends in False conditions with a reason, no
// crash, no Cluster, and no trace of the credential.
func TestBadInputSetsAConditionAndMakesNoCluster(t *testing.T) {
	const invalid = clusterv1alpha1.ReasonKubeconfigInvalid
	valid := kubeconfig("https://sh.example.com:6443")
	for _, tc := range []struct {
		name    string
		objs    []client.Object
		reason  string
		message string
		// validKubeconfig: the kubeconfig was fine, the Cluster name is not.
		validKubeconfig bool
	}{{
		name:    "Secret missing",
		objs:    []client.Object{attachedCluster()},
		reason:  clusterv1alpha1.ReasonSecretNotFound,
		message: "Secret sh-kubeconfig not found in namespace fleets",
	}, {
		name:    "several keys, none the default",
		objs:    []client.Object{attachedCluster(), kubeconfigSecret(map[string][]byte{"a": valid, "b": valid})},
		reason:  clusterv1alpha1.ReasonSecretKeyNotFound,
		message: `Secret sh-kubeconfig has no usable kubeconfig key (want "kubeconfig" or a single key)`,
	}, {
		name: "the named key missing",
		objs: []client.Object{attachedCluster(func(ac *clusterv1alpha1.AttachedCluster) { ac.Spec.Kubeconfig.SecretRef.Key = "config" }),
			kubeconfigSecret(map[string][]byte{"kubeconfig": valid})},
		reason:  clusterv1alpha1.ReasonSecretKeyNotFound,
		message: `Secret sh-kubeconfig has no usable kubeconfig key (want "kubeconfig" or a single key)`,
	}, {
		// The parser's error quotes the content: it must not be passed on.
		name:    "not a kubeconfig",
		objs:    []client.Object{attachedCluster(), kubeconfigSecret(map[string][]byte{"kubeconfig": []byte("token: " + secretToken + "\n{{{")})},
		reason:  invalid,
		message: `Secret sh-kubeconfig key "kubeconfig" does not hold a kubeconfig`,
	}, {
		name: "unknown context",
		objs: []client.Object{attachedCluster(func(ac *clusterv1alpha1.AttachedCluster) { ac.Spec.Context = "other" }),
			kubeconfigSecret(map[string][]byte{"only": valid})},
		reason:  invalid,
		message: `kubeconfig in Secret sh-kubeconfig has no context "other"`,
	}, {
		name:    "no server",
		objs:    []client.Object{attachedCluster(), kubeconfigSecret(map[string][]byte{"kubeconfig": kubeconfig("")})},
		reason:  invalid,
		message: `kubeconfig in Secret sh-kubeconfig names no server for context "member"`,
	}, {
		name: "Cluster name taken",
		objs: []client.Object{attachedCluster(), kubeconfigSecret(map[string][]byte{"kubeconfig": valid}),
			&karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "sh", Labels: map[string]string{"owner": "someone-else"}}}},
		reason:          ReasonClusterNameConflict,
		message:         "Cluster sh already exists and is not maintained by this AttachedCluster; rename the AttachedCluster",
		validKubeconfig: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.objs...)
			ac := f.reconcile()
			want := []metav1.Condition{
				condition(clusterv1alpha1.ConditionKubeconfigValid, metav1.ConditionFalse, tc.reason, tc.message),
				condition(clusterv1alpha1.ConditionReady, metav1.ConditionFalse, tc.reason, tc.message),
			}
			if d := cmp.Diff(want, ac.Status.Conditions); d != "" {
				t.Errorf("conditions (-want +got):\n%s", d)
			}
			if ac.Status.Ready || ac.Status.ObservedGeneration != 2 || ac.Status.ClusterName != "" {
				t.Errorf("status %+v: want not ready, observedGeneration 2, no Cluster", ac.Status)
			}
			if tc.validKubeconfig != (ac.Status.APIEndpoint != "") {
				t.Errorf("apiEndpoint %q with a valid kubeconfig %v", ac.Status.APIEndpoint, tc.validKubeconfig)
			}
			if c := f.cluster("sh"); c != nil && c.Labels[clusterv1alpha1.LabelAttachedClusterName] != "" {
				t.Errorf("a Cluster was made or taken over: %+v", c.ObjectMeta)
			}
			// Never ready: no transition, no event.
			if got := f.recorded(); len(got) != 0 {
				t.Errorf("events %q, want none", got)
			}
		})
	}
}

// TestInvalidKubeconfigOfAReadyClusterIsOneWarning: losing the Secret of a
// ready cluster is a transition, recorded once.
func TestInvalidKubeconfigOfAReadyClusterIsOneWarning(t *testing.T) {
	ready := attachedCluster(func(ac *clusterv1alpha1.AttachedCluster) { ac.Status.Ready = true })
	f := newFixture(t, ready)
	ac := f.reconcile()
	want := []string{"Warning SecretNotFound Secret sh-kubeconfig not found in namespace fleets"}
	if d := cmp.Diff(want, f.recorded()); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	if ac.Status.Ready {
		t.Fatal("still ready without its Secret")
	}
	f.reconcile()
	if got := f.recorded(); len(got) != 0 {
		t.Fatalf("events on a retry: %q", got)
	}
}
