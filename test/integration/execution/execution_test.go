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
package execution_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
)

const (
	applyTimeout   = 20 * time.Second
	rolloutTimeout = 60 * time.Second
	// driftTimeout is the promise: a managed field edited on the member is
	// back within 10 s.
	driftTimeout = 10 * time.Second
)

func TestAppliesIntoNewNamespaceReportsHealthAndDeletes(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	m := memberClient(g, hangzhou)
	const ns = "exec-apply"
	work := newWork(hangzhou, "web", configMap(ns, "web-config", "v1"), deployment(ns, "web", 2))
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())

	g.Eventually(func(g Gomega) {
		n, err := m.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(n.Labels).To(HaveKeyWithValue(workv1alpha1.ManagedByLabel, workv1alpha1.ManagedByKurator))
		cm, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "web-config", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(cm.Data).To(Equal(map[string]string{"setting": "v1"}))
		g.Expect(cm.Labels).To(HaveKeyWithValue(workv1alpha1.ManagedByLabel, workv1alpha1.ManagedByKurator))
		g.Expect(cm.Annotations).To(HaveKeyWithValue(workv1alpha1.WorkAnnotation, workv1alpha1.ExecutionNamespace(hangzhou)+"/web"))
	}).WithTimeout(applyTimeout).Should(Succeed())

	g.Eventually(func(g Gomega) {
		d, err := m.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(d.Status.AvailableReplicas).To(Equal(int32(2)))
		w := getWork(g, work)
		g.Expect(w.Finalizers).To(ContainElement(workv1alpha1.ExecutionFinalizer))
		expectCondition(g, w, workv1alpha1.ConditionApplied, metav1.ConditionTrue, workv1alpha1.ReasonAppliedSuccessful)
		expectCondition(g, w, workv1alpha1.ConditionAvailable, metav1.ConditionTrue, workv1alpha1.ReasonAllHealthy)
		g.Expect(w.Status.ManifestStatuses).To(HaveLen(2))
		cmStatus, deployStatus := w.Status.ManifestStatuses[0], w.Status.ManifestStatuses[1]
		g.Expect(cmStatus.Identifier).To(Equal(workv1alpha1.ResourceIdentifier{Ordinal: 0, Version: "v1", Kind: "ConfigMap", Resource: "configmaps", Namespace: ns, Name: "web-config"}))
		g.Expect(cmStatus.Health).To(Equal(workv1alpha1.ResourceHealthy))
		g.Expect(deployStatus.Identifier).To(Equal(workv1alpha1.ResourceIdentifier{Ordinal: 1, Group: "apps", Version: "v1", Kind: "Deployment", Resource: "deployments", Namespace: ns, Name: "web"}))
		g.Expect(deployStatus.Health).To(Equal(workv1alpha1.ResourceHealthy))
		g.Expect(deployStatus.Status).NotTo(BeNil())
		var status map[string]any
		g.Expect(json.Unmarshal(deployStatus.Status.Raw, &status)).To(Succeed())
		g.Expect(status).To(HaveKeyWithValue("availableReplicas", BeNumerically("==", 2)))
		g.Expect(status).To(HaveKeyWithValue("observedGeneration", BeNumerically("==", d.Generation)))
		g.Expect(status).To(HaveKeyWithValue("generation", BeNumerically("==", d.Generation)))
	}).WithTimeout(rolloutTimeout).Should(Succeed())

	g.Expect(fleet.ControlPlane.Delete(t.Context(), work)).To(Succeed())
	g.Eventually(func(g Gomega) {
		_, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "web-config", metav1.GetOptions{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "ConfigMap still there: %v", err)
		_, err = m.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Deployment still there: %v", err)
		err = fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(work), &workv1alpha1.Work{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Work still there: %v", err)
	}).WithTimeout(applyTimeout).Should(Succeed())
}

func TestEditedOrDeletedMemberObjectIsRestored(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	m := memberClient(g, hangzhou)
	const ns = "exec-drift"
	work := newWork(hangzhou, "drift", configMap(ns, "settings", "desired"))
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())
	expectApplied(g, work)

	g.Eventually(func(g Gomega) {
		cm, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		cm.Data["setting"] = "edited"
		cm.Data["added-by-hand"] = "kept"
		_, err = m.CoreV1().ConfigMaps(ns).Update(t.Context(), cm, metav1.UpdateOptions{FieldManager: "someone"})
		g.Expect(err).NotTo(HaveOccurred())
	}).WithTimeout(applyTimeout).Should(Succeed())
	g.Eventually(func(g Gomega) {
		cm, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		// Fields Kurator does not manage are not its business.
		g.Expect(cm.Data).To(Equal(map[string]string{"setting": "desired", "added-by-hand": "kept"}))
	}).WithTimeout(driftTimeout).WithPolling(100 * time.Millisecond).Should(Succeed())

	g.Expect(m.CoreV1().ConfigMaps(ns).Delete(t.Context(), "settings", metav1.DeleteOptions{})).To(Succeed())
	g.Eventually(func(g Gomega) {
		cm, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(cm.Data).To(Equal(map[string]string{"setting": "desired"}))
	}).WithTimeout(driftTimeout).WithPolling(100 * time.Millisecond).Should(Succeed())
}

func TestUnmanagedObjectIsLeftAloneUntilOverwrite(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	m := memberClient(g, hangzhou)
	const ns = "exec-conflict"
	_, err := m.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	theirs := configMap(ns, "shared", "theirs")
	_, err = m.CoreV1().ConfigMaps(ns).Create(t.Context(), theirs, metav1.CreateOptions{FieldManager: "legacy-tool"})
	g.Expect(err).NotTo(HaveOccurred())

	work := newWork(hangzhou, "conflict", configMap(ns, "shared", "ours"))
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())
	g.Eventually(func(g Gomega) {
		w := getWork(g, work)
		c := expectCondition(g, w, workv1alpha1.ConditionApplied, metav1.ConditionFalse, workv1alpha1.ReasonConflictExists)
		g.Expect(c.Message).To(ContainSubstring("ConfigMap " + ns + "/shared"))
		g.Expect(c.Message).To(ContainSubstring("legacy-tool"))
	}).WithTimeout(applyTimeout).Should(Succeed())
	cm, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "shared", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cm.Data).To(Equal(map[string]string{"setting": "theirs"}))
	g.Expect(cm.Labels).NotTo(HaveKey(workv1alpha1.ManagedByLabel))

	overwrite := configMap(ns, "shared", "ours")
	overwrite.Annotations = map[string]string{workv1alpha1.ConflictResolutionAnnotation: workv1alpha1.ConflictResolutionOverwrite}
	g.Eventually(func(g Gomega) {
		w := getWork(g, work)
		w.Spec.Workload.Manifests = []workv1alpha1.Manifest{manifestOf(overwrite)}
		g.Expect(fleet.ControlPlane.Update(t.Context(), w)).To(Succeed())
	}).WithTimeout(applyTimeout).Should(Succeed())
	expectApplied(g, work)
	g.Eventually(func(g Gomega) {
		cm, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "shared", metav1.GetOptions{})
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(cm.Data).To(Equal(map[string]string{"setting": "ours"}))
		g.Expect(cm.Labels).To(HaveKeyWithValue(workv1alpha1.ManagedByLabel, workv1alpha1.ManagedByKurator))
	}).WithTimeout(applyTimeout).Should(Succeed())
}

func TestPreserveResourcesOnDeletionReleasesObjects(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	m := memberClient(g, hangzhou)
	const ns = "exec-preserve"
	work := newWork(hangzhou, "preserve", configMap(ns, "kept", "v1"))
	work.Spec.PreserveResourcesOnDeletion = ptr.To(true)
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())
	expectApplied(g, work)

	g.Expect(fleet.ControlPlane.Delete(t.Context(), work)).To(Succeed())
	g.Eventually(func(g Gomega) {
		err := fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(work), &workv1alpha1.Work{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Work still there: %v", err)
	}).WithTimeout(applyTimeout).Should(Succeed())
	cm, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "kept", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(cm.Data).To(Equal(map[string]string{"setting": "v1"}))
	g.Expect(cm.Labels).NotTo(HaveKey(workv1alpha1.ManagedByLabel))
	g.Expect(cm.Annotations).NotTo(HaveKey(workv1alpha1.WorkAnnotation))
}

func TestRemovedManifestIsPruned(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	m := memberClient(g, hangzhou)
	const ns = "exec-prune"
	work := newWork(hangzhou, "prune", configMap(ns, "stays", "v1"), configMap(ns, "goes", "v1"))
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())
	expectApplied(g, work)
	_, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "goes", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())

	g.Eventually(func(g Gomega) {
		w := getWork(g, work)
		w.Spec.Workload.Manifests = w.Spec.Workload.Manifests[:1]
		g.Expect(fleet.ControlPlane.Update(t.Context(), w)).To(Succeed())
	}).WithTimeout(applyTimeout).Should(Succeed())
	g.Eventually(func(g Gomega) {
		_, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "goes", metav1.GetOptions{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "pruned ConfigMap still there: %v", err)
		g.Expect(getWork(g, work).Status.ManifestStatuses).To(HaveLen(1))
	}).WithTimeout(applyTimeout).Should(Succeed())
	_, err = m.CoreV1().ConfigMaps(ns).Get(t.Context(), "stays", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
}

func TestSuspendedWorkIsNotApplied(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	m := memberClient(g, hangzhou)
	const ns = "exec-suspend"
	work := newWork(hangzhou, "suspended", configMap(ns, "later", "v1"))
	work.Spec.SuspendDispatching = ptr.To(true)
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())
	g.Eventually(func(g Gomega) {
		w := getWork(g, work)
		expectCondition(g, w, workv1alpha1.ConditionDispatching, metav1.ConditionFalse, workv1alpha1.ReasonSuspendDispatching)
		g.Expect(apimeta.FindStatusCondition(w.Status.Conditions, workv1alpha1.ConditionApplied)).To(BeNil())
	}).WithTimeout(applyTimeout).Should(Succeed())
	_, err := m.CoreV1().ConfigMaps(ns).Get(t.Context(), "later", metav1.GetOptions{})
	g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "suspended Work was applied: %v", err)

	g.Eventually(func(g Gomega) {
		w := getWork(g, work)
		w.Spec.SuspendDispatching = nil
		g.Expect(fleet.ControlPlane.Update(t.Context(), w)).To(Succeed())
	}).WithTimeout(applyTimeout).Should(Succeed())
	expectApplied(g, work)
	_, err = m.CoreV1().ConfigMaps(ns).Get(t.Context(), "later", metav1.GetOptions{})
	g.Expect(err).NotTo(HaveOccurred())
}

func TestWorkForMissingClusterIsNotReady(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	work := newWork("cluster-nowhere", "orphan", configMap("default", "x", "v1"))
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())
	g.Eventually(func(g Gomega) {
		expectCondition(g, getWork(g, work), workv1alpha1.ConditionApplied, metav1.ConditionFalse, workv1alpha1.ReasonClusterNotReady)
	}).WithTimeout(applyTimeout).Should(Succeed())
	// With no cluster there is nothing to clean up: deletion is not blocked.
	g.Expect(fleet.ControlPlane.Delete(t.Context(), work)).To(Succeed())
	g.Eventually(func(g Gomega) {
		err := fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(work), &workv1alpha1.Work{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Work still there: %v", err)
	}).WithTimeout(applyTimeout).Should(Succeed())
}

// TestUnreachableMemberBlocksDeletionUntilBack stops a member: its Work
// reports ClusterNotReady, and deleting the Work waits for the member to
// return so that the member objects are removed, not orphaned. It is not
// parallel: it stops a cluster.
func TestUnreachableMemberBlocksDeletionUntilBack(t *testing.T) {
	g := NewWithT(t)
	m := memberClient(g, shanghai)
	const ns = "exec-unreachable"
	work := newWork(shanghai, "unreachable", configMap(ns, "survivor", "v1"))
	g.Expect(fleet.ControlPlane.Create(t.Context(), work)).To(Succeed())
	expectApplied(g, work)

	g.Expect(fleet.StopCluster(shanghai)).To(Succeed())
	restarted := false
	defer func() {
		if !restarted {
			_ = fleet.StartCluster(context.Background(), shanghai)
		}
	}()
	g.Eventually(func(g Gomega) {
		expectCondition(g, getWork(g, work), workv1alpha1.ConditionApplied, metav1.ConditionFalse, workv1alpha1.ReasonClusterNotReady)
	}).WithTimeout(rolloutTimeout).Should(Succeed())

	g.Expect(fleet.ControlPlane.Delete(t.Context(), work)).To(Succeed())
	g.Consistently(func(g Gomega) {
		w := getWork(g, work)
		g.Expect(w.DeletionTimestamp).NotTo(BeNil())
		g.Expect(w.Finalizers).To(ContainElement(workv1alpha1.ExecutionFinalizer))
	}).WithTimeout(3 * time.Second).Should(Succeed())

	g.Expect(fleet.StartCluster(t.Context(), shanghai)).To(Succeed())
	restarted = true
	g.Eventually(func(g Gomega) {
		err := fleet.ControlPlane.Get(t.Context(), client.ObjectKeyFromObject(work), &workv1alpha1.Work{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "Work still there: %v", err)
		_, err = m.CoreV1().ConfigMaps(ns).Get(t.Context(), "survivor", metav1.GetOptions{})
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "member ConfigMap still there: %v", err)
	}).WithTimeout(rolloutTimeout).Should(Succeed())
}
