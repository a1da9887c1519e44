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

package temporalshift

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/event"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/clusterproperties"
	"kurator.dev/kurator/internal/scheme"
	"kurator.dev/kurator/internal/timeshift"
)

var t0 = time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func stamp(d time.Duration) string { return at(d).Format(time.RFC3339) }

type fixture struct {
	c      client.Client
	clock  *clocktesting.FakePassiveClock
	events *events.FakeRecorder
}

// deferrableJob is the Job "batch" in "ns": suspended, due by +10h, 2h
// long, with the extra annotations.
func deferrableJob(extra map[string]string) *batchv1.Job {
	annotations := map[string]string{timeshift.Deadline: stamp(10 * time.Hour), timeshift.ExpectedDuration: "2h"}
	for k, v := range extra {
		annotations[k] = v
	}
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "batch", Namespace: "ns", UID: "job-uid", Annotations: annotations},
		Spec:       batchv1.JobSpec{Suspend: ptr.To(true), Parallelism: ptr.To[int32](4)},
	}
}

// binding places the Job: replicas by cluster name.
func binding(uid string, clusters map[string]int32) *workv1alpha2.ResourceBinding {
	rb := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "batch-job", Namespace: "ns"},
		Spec: workv1alpha2.ResourceBindingSpec{Resource: workv1alpha2.ObjectReference{
			APIVersion: "batch/v1", Kind: "Job", Namespace: "ns", Name: "batch", UID: types.UID(uid)}},
	}
	for name, n := range clusters {
		rb.Spec.Clusters = append(rb.Spec.Clusters, workv1alpha2.TargetCluster{Name: name, Replicas: n})
	}
	return rb
}

// forecastCluster has a carbon forecast and a price.
func forecastCluster(name, carbon string) *karmadaclusterv1alpha1.Cluster {
	return &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{
		clusterproperties.CarbonForecast: carbon, clusterproperties.VCPUHourUSD: "0.04",
	}}}
}

// greenAt3h: 300 g now, 50 g from +3h to +6h, 400 after.
func greenAt3h() string {
	return stamp(-time.Hour) + "=300," + stamp(3*time.Hour) + "=50," + stamp(6*time.Hour) + "=400"
}

func newFixture(objs ...client.Object) *fixture {
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).Build()
	return &fixture{c: c, clock: clocktesting.NewFakePassiveClock(t0), events: events.NewFakeRecorder(100)}
}

// reconcile runs a freshly started controller: nothing in memory.
func (f *fixture) reconcile(g Gomega) (*batchv1.Job, ctrl.Result) {
	r := &Reconciler{Client: f.c, Reader: f.c, Recorder: f.events, Clock: f.clock}
	res, err := r.Reconcile(context.Background(), jobKey("ns", "batch"))
	g.Expect(err).NotTo(HaveOccurred())
	job := &batchv1.Job{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "ns", Name: "batch"}, job)).To(Succeed())
	return job, res
}

func (f *fixture) drainEvents() []string {
	var out []string
	for {
		select {
		case e := <-f.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

func (f *fixture) update(g Gomega, obj client.Object, mutate func()) {
	g.Expect(f.c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	mutate()
	g.Expect(f.c.Update(context.Background(), obj)).To(Succeed())
}

func TestTheJobStartsInTheGreenestWindowAndOnlyThen(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deferrableJob(nil), forecastCluster("a", greenAt3h()), forecastCluster("b", greenAt3h()))

	job, _ := f.reconcile(g)
	g.Expect(job.Annotations[timeshift.ShiftStatus]).To(HavePrefix(PhaseWaitingForDecision))
	g.Expect(job.Annotations).NotTo(HaveKey(timeshift.StartAt))

	g.Expect(f.c.Create(context.Background(), binding("job-uid", map[string]int32{"a": 3, "b": 1}))).To(Succeed())
	f.drainEvents()
	job, res := f.reconcile(g)
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartAt, stamp(3*time.Hour)))
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartReason, string(timeshift.ReasonLowest)))
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.ExpectedSignal, "50"))
	// Started now: 2 h at 300 g; the window from +3h: 2 h at 50 g.
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartNowSignal, "300"))
	g.Expect(job.Annotations[timeshift.ShiftStatus]).To(And(HavePrefix(PhasePlanned), ContainSubstring("83% less")))
	g.Expect(job.Spec.Suspend).To(HaveValue(BeTrue()))
	g.Expect(res.RequeueAfter).To(Equal(3 * time.Hour))
	g.Expect(f.drainEvents()).To(ConsistOf(And(ContainSubstring("Normal "+PhasePlanned), ContainSubstring(stamp(3*time.Hour)))))

	// A restarted controller, later but before the start, keeps the plan
	// and says nothing.
	f.clock.SetTime(at(time.Hour))
	before := job.ResourceVersion
	job, res = f.reconcile(g)
	g.Expect(job.ResourceVersion).To(Equal(before))
	g.Expect(res.RequeueAfter).To(Equal(2 * time.Hour))
	g.Expect(f.drainEvents()).To(BeEmpty())

	f.clock.SetTime(at(3*time.Hour + time.Second))
	job, res = f.reconcile(g)
	g.Expect(job.Spec.Suspend).To(HaveValue(BeFalse()))
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartedAt, stamp(3*time.Hour+time.Second)))
	g.Expect(job.Annotations[timeshift.ShiftStatus]).To(HavePrefix(PhaseStarted))
	g.Expect(res.RequeueAfter).To(BeZero())
	g.Expect(f.drainEvents()).To(ConsistOf(ContainSubstring("Normal " + PhaseStarted)))

	// Started once: suspending it again is the user's business.
	f.update(g, job, func() { job.Spec.Suspend = ptr.To(true) })
	job, _ = f.reconcile(g)
	g.Expect(job.Spec.Suspend).To(HaveValue(BeTrue()))
}

func TestAChangedForecastMovesAFutureStartOnly(t *testing.T) {
	g := NewWithT(t)
	a := forecastCluster("a", greenAt3h())
	f := newFixture(deferrableJob(nil), a, binding("job-uid", map[string]int32{"a": 1}))
	job, _ := f.reconcile(g)
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartAt, stamp(3*time.Hour)))

	// Greener earlier: the plan moves.
	f.clock.SetTime(at(30 * time.Minute))
	f.update(g, a, func() {
		a.Annotations[clusterproperties.CarbonForecast] = stamp(-time.Hour) + "=300," + stamp(time.Hour) + "=20," + stamp(3*time.Hour) + "=300"
	})
	job, res := f.reconcile(g)
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartAt, stamp(time.Hour)))
	g.Expect(res.RequeueAfter).To(Equal(30 * time.Minute))
	g.Expect(f.drainEvents()).To(HaveLen(2))

	// The forecast goes stale: the plan made on it stands.
	f.update(g, a, func() { a.Annotations[clusterproperties.ObservedAt] = stamp(-7 * time.Hour) })
	job, _ = f.reconcile(g)
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartAt, stamp(time.Hour)))
}

func TestWithoutForecastTheJobStartsNowAndSaysSo(t *testing.T) {
	g := NewWithT(t)
	bare := &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: "a"}}
	f := newFixture(deferrableJob(nil), bare, binding("job-uid", map[string]int32{"a": 1}))
	job, _ := f.reconcile(g)
	g.Expect(job.Spec.Suspend).To(HaveValue(BeFalse()))
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartReason, string(timeshift.ReasonNoForecast)))
	g.Expect(job.Annotations).NotTo(HaveKey(timeshift.ExpectedSignal))
	g.Expect(f.drainEvents()).To(ConsistOf(
		And(ContainSubstring(PhasePlanned), ContainSubstring("no cluster it is placed on has a fresh carbon intensity forecast")),
		ContainSubstring(PhaseStarted)))
}

func TestPastTheLatestStartTheDeadlineForcesTheStart(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deferrableJob(nil), forecastCluster("a", greenAt3h()), binding("job-uid", map[string]int32{"a": 1}))
	f.clock.SetTime(at(9 * time.Hour))
	job, _ := f.reconcile(g)
	g.Expect(job.Spec.Suspend).To(HaveValue(BeFalse()))
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartReason, string(timeshift.ReasonDeadlineForced)))
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartAt, stamp(9*time.Hour)))
}

// The greenest window opens after the latest start: the Job starts at the
// latest start, never later.
func TestTheLatestStartCapsTheChoice(t *testing.T) {
	g := NewWithT(t)
	late := stamp(-time.Hour) + "=300," + stamp(9*time.Hour) + "=10"
	f := newFixture(deferrableJob(nil), forecastCluster("a", late), binding("job-uid", map[string]int32{"a": 1}))
	job, _ := f.reconcile(g)
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartAt, stamp(8*time.Hour)))
}

func TestCostModeFollowsThePriceForecast(t *testing.T) {
	g := NewWithT(t)
	c := forecastCluster("a", greenAt3h())
	c.Annotations[clusterproperties.PriceForecast] = stamp(5*time.Hour) + "=0.01"
	f := newFixture(deferrableJob(map[string]string{timeshift.ShiftFor: "cost"}), c, binding("job-uid", map[string]int32{"a": 1}))
	job, _ := f.reconcile(g)
	g.Expect(job.Annotations).To(HaveKeyWithValue(timeshift.StartAt, stamp(5*time.Hour)))
	g.Expect(job.Annotations[timeshift.ShiftStatus]).To(ContainSubstring("USD/vCPU-hour"))
}

func TestProblemsAreReportedOnceAndTheJobLeftAlone(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deferrableJob(map[string]string{timeshift.ExpectedDuration: "soon"}), forecastCluster("a", greenAt3h()),
		binding("job-uid", map[string]int32{"a": 1}))
	job, _ := f.reconcile(g)
	g.Expect(job.Annotations[timeshift.ShiftStatus]).To(And(HavePrefix(PhaseInvalid), ContainSubstring(timeshift.ExpectedDuration)))
	g.Expect(job.Spec.Suspend).To(HaveValue(BeTrue()))
	f.reconcile(g)
	g.Expect(f.drainEvents()).To(ConsistOf(ContainSubstring("Warning " + PhaseInvalid)))

	f.update(g, job, func() { job.Annotations[timeshift.ExpectedDuration] = "1h"; job.Spec.Suspend = nil })
	job, _ = f.reconcile(g)
	g.Expect(job.Annotations[timeshift.ShiftStatus]).To(HavePrefix(PhaseNotSuspended))
	g.Expect(job.Annotations).NotTo(HaveKey(timeshift.StartAt))
}

func TestABindingOfAnotherJobIsNoDecision(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(deferrableJob(nil), forecastCluster("a", greenAt3h()), binding("old-uid", map[string]int32{"a": 1}))
	job, _ := f.reconcile(g)
	g.Expect(job.Annotations[timeshift.ShiftStatus]).To(HavePrefix(PhaseWaitingForDecision))
}

func TestJobsWithoutDeadlineAreNotTouched(t *testing.T) {
	g := NewWithT(t)
	plain := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "batch", Namespace: "ns"}, Spec: batchv1.JobSpec{Suspend: ptr.To(true)}}
	f := newFixture(plain, binding("", map[string]int32{"a": 1}))
	job, _ := f.reconcile(g)
	g.Expect(job.Annotations).To(BeEmpty())
}

func TestWatchesMapToPendingJobs(t *testing.T) {
	g := NewWithT(t)
	started := deferrableJob(map[string]string{timeshift.StartedAt: stamp(0)})
	started.Name = "done"
	f := newFixture(deferrableJob(nil), started, &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "plain", Namespace: "ns"}})
	r := &Reconciler{Client: f.c}
	g.Expect(r.jobsOfCluster(context.Background(), nil)).To(ConsistOf(jobKey("ns", "batch")))

	rb := binding("job-uid", map[string]int32{"a": 1})
	g.Expect(jobOfBinding(context.Background(), rb)).To(ConsistOf(jobKey("ns", "batch")))
	statusOnly := rb.DeepCopy()
	statusOnly.Status.SchedulerObservedGeneration = 3
	g.Expect(decisionChanged.Update(event.UpdateEvent{ObjectOld: rb, ObjectNew: statusOnly})).To(BeFalse())
	moved := rb.DeepCopy()
	moved.Spec.Clusters[0].Name = "b"
	g.Expect(decisionChanged.Update(event.UpdateEvent{ObjectOld: rb, ObjectNew: moved})).To(BeTrue())
	g.Expect(decisionChanged.Create(event.CreateEvent{Object: rb})).To(BeTrue())

	rb.Spec.Resource.APIVersion, rb.Spec.Resource.Kind = "apps/v1", "Deployment"
	g.Expect(jobOfBinding(context.Background(), rb)).To(BeEmpty())
}
