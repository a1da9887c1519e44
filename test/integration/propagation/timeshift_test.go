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
package propagation_test

import (
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/timeshift"
)

// annotateCluster merge-patches a Cluster's annotations, as kubectl
// annotate does (a nil value removes one).
func annotateCluster(g Gomega, name string, annotations map[string]*string) {
	body, err := json.Marshal(map[string]any{"metadata": map[string]any{"annotations": annotations}})
	g.Expect(err).NotTo(HaveOccurred())
	c := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name}}
	g.Expect(fleet.ControlPlane.Patch(bg(), c, client.RawPatch(types.MergePatchType, body))).To(Succeed())
}

func deferrableJob(ns, name string, deadline time.Time, duration time.Duration) *batchv1.Job {
	suspend := true
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Annotations: map[string]string{
			timeshift.Deadline: deadline.Format(time.RFC3339), timeshift.ExpectedDuration: duration.String(),
		}},
		Spec: batchv1.JobSpec{Suspend: &suspend, Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}},
	}
}

// startAt waits for the start the controller records on a template.
func startAt(g Gomega, ns, name string) time.Time {
	var start time.Time
	g.Eventually(func(g Gomega) {
		job := &batchv1.Job{}
		g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKey{Namespace: ns, Name: name}, job)).To(Succeed())
		var err error
		start, err = time.Parse(time.RFC3339, job.Annotations[timeshift.StartAt])
		g.Expect(err).NotTo(HaveOccurred(), "shift status: %s", job.Annotations[timeshift.ShiftStatus])
	}).WithTimeout(20 * time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	return start
}

// awaitStart polls the Job's copy in every member until it runs in all of
// them, failing if a copy ran before start or none was seen held before.
func awaitStart(g Gomega, clusters []string, ns, name string, start time.Time) {
	var early []string
	held := map[string]bool{}
	g.Eventually(func(g Gomega) {
		// Every member is looked at in each round before any expectation
		// ends the round.
		running := map[string]bool{}
		for _, cluster := range clusters {
			j, err := memberClient(g, cluster).BatchV1().Jobs(ns).Get(bg(), name, metav1.GetOptions{})
			if err != nil {
				continue
			}
			seen := time.Now()
			suspended := j.Spec.Suspend != nil && *j.Spec.Suspend
			switch {
			case suspended && seen.Before(start):
				held[cluster] = true
			case !suspended && seen.Before(start):
				early = append(early, cluster+" at "+seen.Format(time.RFC3339Nano))
			}
			// The member's Job controller has started it.
			running[cluster] = !suspended && j.Status.StartTime != nil
		}
		for _, cluster := range clusters {
			g.Expect(running[cluster]).To(BeTrue(), "%s runs in %s", name, cluster)
		}
	}).WithTimeout(time.Until(start) + 20*time.Second).WithPolling(200 * time.Millisecond).Should(Succeed())
	g.Expect(early).To(BeEmpty(), "%s ran before its start %s", name, start)
	g.Expect(held).To(HaveLen(len(clusters)), "%s was not seen suspended in every member before its start", name)
}

// Two suspended Jobs with deadlines on two members whose carbon forecast
// turns green 30 s from now: the one with time to spare waits for the
// green window, the other starts at its latest start, before the window.
func TestDeferrableJobsStartInTheGreenestWindowBeforeTheirDeadline(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "timeshift")
	clusters := []string{"cluster-hangzhou", "cluster-shanghai"}
	now := time.Now().UTC().Truncate(time.Second)
	green := now.Add(30 * time.Second)
	forecast := func(dirty, clean float64) *string {
		s := clusterproperties.FormatForecast([]clusterproperties.Point{
			{At: now.Add(-time.Minute), Value: dirty}, {At: green, Value: clean}, {At: green.Add(10 * time.Minute), Value: dirty}})
		return &s
	}
	annotateCluster(g, clusters[0], map[string]*string{clusterproperties.CarbonForecast: forecast(420, 60)})
	annotateCluster(g, clusters[1], map[string]*string{clusterproperties.CarbonForecast: forecast(380, 90)})
	t.Cleanup(func() {
		for _, c := range clusters {
			annotateCluster(NewWithT(t), c, map[string]*string{clusterproperties.CarbonForecast: nil})
		}
	})

	// patient has 30 minutes for a minute's run; hurried must start by
	// now+20s to finish its 30 s by now+50s, before the window opens.
	patient := deferrableJob(ns, "patient", now.Add(30*time.Minute), time.Minute)
	hurried := deferrableJob(ns, "hurried", now.Add(50*time.Second), 30*time.Second)
	g.Expect(fleet.ControlPlane.Create(t.Context(), patient)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), hurried)).To(Succeed())
	g.Expect(fleet.ControlPlane.Create(t.Context(), &policyv1alpha1.PropagationPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "deferrable", Namespace: ns},
		Spec: policyv1alpha1.PropagationSpec{
			ResourceSelectors: []policyv1alpha1.ResourceSelector{
				{APIVersion: "batch/v1", Kind: "Job", Name: "patient"}, {APIVersion: "batch/v1", Kind: "Job", Name: "hurried"}},
			Placement: policyv1alpha1.Placement{ClusterAffinity: &policyv1alpha1.ClusterAffinity{ClusterNames: clusters}},
		},
	})).To(Succeed())

	patientStart := startAt(g, ns, "patient")
	g.Expect(patientStart).To(BeTemporally("==", green))
	hurriedStart := startAt(g, ns, "hurried")
	latest := now.Add(50*time.Second - 30*time.Second)
	g.Expect(hurriedStart).To(BeTemporally("<=", latest))
	g.Expect(hurriedStart).To(BeTemporally("==", latest), "the best window it can finish in starts at its latest start")
	tpl := &batchv1.Job{}
	g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKey{Namespace: ns, Name: "patient"}, tpl)).To(Succeed())
	// Both members weigh alike: (60+90)/2 in the window.
	g.Expect(tpl.Annotations).To(HaveKeyWithValue(timeshift.ExpectedSignal, "75"))

	// The members hold suspended copies until each start, then run them.
	awaitStart(g, clusters, ns, "hurried", hurriedStart)
	awaitStart(g, clusters, ns, "patient", patientStart)
	g.Eventually(func(g Gomega) {
		var list eventsv1.EventList
		g.Expect(fleet.ControlPlane.List(bg(), &list, client.InNamespace(ns))).To(Succeed())
		g.Expect(list.Items).To(ContainElement(And(HaveField("Regarding.Name", "patient"), HaveField("Reason", "Planned"))))
	}).WithTimeout(10 * time.Second).Should(Succeed())

	for name, start := range map[string]time.Time{"patient": patientStart, "hurried": hurriedStart} {
		g.Expect(fleet.ControlPlane.Get(bg(), client.ObjectKey{Namespace: ns, Name: name}, tpl)).To(Succeed())
		started, err := time.Parse(time.RFC3339, tpl.Annotations[timeshift.StartedAt])
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(started).To(BeTemporally(">=", start), name)
		g.Expect(tpl.Annotations[timeshift.ShiftStatus]).To(HavePrefix("Started"), name)
	}
}
