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
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/localfleet"
)

func httpGet(url string) (string, error) {
	hc := &http.Client{Timeout: 5 * time.Second}
	res, err := hc.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return string(body), err
}

// workload makes n ConfigMaps and a Deployment in a fresh namespace,
// propagated to the pull member only, and waits until its agent has applied
// them all and reports them healthy. It returns the namespace and the
// number of Works.
func workload(t *testing.T, g Gomega, prefix string, n int, tolerateOutage bool) (string, int) {
	ctx := t.Context()
	ns := namespace(t, g, prefix)
	for i := range n {
		g.Expect(fleet.ControlPlane.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("cm-%d", i)},
			Data: map[string]string{"v": "1"}})).To(Succeed())
	}
	lbls := map[string]string{"app": "web"}
	g.Expect(fleet.ControlPlane.Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: lbls},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: lbls},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx:1.25"}}}}},
	})).To(Succeed())
	placement := policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: []string{pulled}}}
	if tolerateOutage {
		// Edge workloads ride out a lost uplink where they are.
		for _, key := range []string{karmadaclusterv1alpha1.TaintClusterNotReady, karmadaclusterv1alpha1.TaintClusterUnreachable} {
			placement.ClusterTolerations = append(placement.ClusterTolerations, corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute})
		}
	}
	g.Expect(fleet.ControlPlane.Create(ctx, &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "all", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{{APIVersion: "v1", Kind: "ConfigMap"}, {APIVersion: "apps/v1", Kind: "Deployment"}},
			Placement:         placement,
		},
	})).To(Succeed())
	works := n + 1
	g.Eventually(func(g Gomega) {
		var list workv1alpha1.WorkList
		g.Expect(fleet.ControlPlane.List(ctx, &list, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)),
			client.MatchingLabels{workv1alpha1.BindingNamespaceLabel: ns})).To(Succeed())
		g.Expect(list.Items).To(HaveLen(works))
		for _, w := range list.Items {
			g.Expect(apimeta.IsStatusConditionTrue(w.Status.Conditions, workv1alpha1.ConditionAvailable)).To(BeTrue(), w.Name)
		}
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
	return ns, works
}

// memberObjects maps each of the namespace's ConfigMaps and Deployments in
// the pull member to its UID and resourceVersion.
func memberObjects(g Gomega, ns string) map[string]string {
	m := member(g, pulled)
	out := map[string]string{}
	cms, err := m.CoreV1().ConfigMaps(ns).List(context.Background(), metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	for _, c := range cms.Items {
		if c.Name != "kube-root-ca.crt" {
			out["configmap/"+c.Name] = string(c.UID) + "@" + c.ResourceVersion
		}
	}
	ds, err := m.AppsV1().Deployments(ns).List(context.Background(), metav1.ListOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	for _, d := range ds.Items {
		out["deployment/"+d.Name] = string(d.UID) + "@" + fmt.Sprint(d.Generation)
	}
	return out
}

// restartAgent SIGKILLs the pull member's agent, starts it again and waits
// until it has heartbeated and its executor has been through every Work
// of the member at least once with nothing left queued.
func restartAgent(t *testing.T, g Gomega, works int) {
	t.Helper()
	g.Expect(fleet.Kill(localfleet.AgentProcessName(pulled))).To(Succeed())
	restarted := time.Now()
	g.Expect(fleet.StartAgent(t.Context(), pulled)).To(Succeed())
	g.Eventually(func(g Gomega) {
		lease := &coordinationv1.Lease{}
		g.Expect(fleet.ControlPlane.Get(context.Background(), client.ObjectKey{Namespace: karmadaclusterv1alpha1.ClusterLeaseNamespace, Name: pulled}, lease)).To(Succeed())
		g.Expect(lease.Spec.RenewTime.After(restarted)).To(BeTrue())
		g.Expect(agentMetric(g, "controller_runtime_reconcile_total", `controller="execution"`)).To(BeNumerically(">=", works))
		g.Expect(agentMetric(g, "workqueue_depth", `name="execution"`)).To(BeZero())
	}).WithTimeout(60 * time.Second).WithPolling(250 * time.Millisecond).Should(Succeed())
}

// Ten agent restarts while workloads run cost the member nothing: no
// object deleted or made again, and not one write request.
func TestAgentRestartsNeitherDeleteNorReapply(t *testing.T) {
	g := NewWithT(t)
	ns, _ := workload(t, g, "restarts", 20, false)
	var all workv1alpha1.WorkList
	g.Expect(fleet.ControlPlane.List(t.Context(), &all, client.InNamespace(workv1alpha1.ExecutionNamespace(pulled)))).To(Succeed())
	before, writes := memberObjects(g, ns), memberWrites(g, pulled, "configmaps", "deployments")
	for i := range 10 {
		restartAgent(t, g, len(all.Items))
		t.Logf("restart %d: the agent is back and has been through %d Works", i+1, len(all.Items))
	}
	g.Expect(memberObjects(g, ns)).To(Equal(before), "an agent restart recreated or changed a member object")
	g.Expect(memberWrites(g, pulled, "configmaps", "deployments")-writes).To(BeZero(), "an agent restart sent writes to the member")
	g.Expect(ready(cluster(g, pulled))).To(BeTrue())
}
