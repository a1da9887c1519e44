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

package rollout

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	argoprojv1alpha1 "kurator.dev/kurator/api/argoproj/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/analysis"
	"kurator.dev/kurator/internal/metricsprovider"
	"kurator.dev/kurator/internal/rollout"
	"kurator.dev/kurator/internal/scheme"
)

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

var clusters = []string{"hz", "sh"}

func manifest(image string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": "prod"},
		"spec": map[string]any{"replicas": int64(2), "template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "app", "image": image}}}}},
	}}
}

type fixture struct {
	c     client.Client
	r     *Reconciler
	clock *clocktesting.FakePassiveClock
}

// newFixture: web runs v1 in hz and sh; v2 is frozen in a snapshot; the
// strategy puts each cluster in its own stage.
func newFixture(t *testing.T, strategy rolloutv1alpha1.StagedUpdateStrategySpec, extra ...client.Object) *fixture {
	rb := &workv1alpha2.ResourceBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "web-deployment", Namespace: "prod", UID: "rb-uid"},
		Spec: workv1alpha2.ResourceBindingSpec{
			Resource: workv1alpha2.ObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "prod", Name: "web"},
			Replicas: 2, Clusters: []workv1alpha2.TargetCluster{{Name: "hz", Replicas: 2}, {Name: "sh", Replicas: 2}},
			RolloutStrategy: &policyv1alpha1.RolloutStrategyReference{Name: "s"},
		},
	}
	snap := rollout.Snapshot{Revision: "r2", Previous: map[string]*unstructured.Unstructured{}, Target: map[string]*unstructured.Unstructured{}}
	objs := []client.Object{rb,
		&rolloutv1alpha1.StagedUpdateStrategy{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "prod"}, Spec: strategy},
		&rolloutv1alpha1.StagedUpdateRun{ObjectMeta: metav1.ObjectMeta{Name: "run", Namespace: "prod", Generation: 1},
			Spec: rolloutv1alpha1.StagedUpdateRunSpec{BindingName: rb.Name, StrategyName: "s", Revision: "r2", SnapshotName: "snap"}},
	}
	for _, c := range clusters {
		snap.Previous[c], snap.Target[c] = manifest("web:v1"), manifest("web:v2")
		objs = append(objs, &karmadaclusterv1alpha1.Cluster{ObjectMeta: metav1.ObjectMeta{Name: c, Labels: map[string]string{"name": c}},
			Status: karmadaclusterv1alpha1.ClusterStatus{Conditions: []metav1.Condition{{Type: karmadaclusterv1alpha1.ClusterConditionReady, Status: metav1.ConditionTrue, Reason: "Probe"}}}})
		objs = append(objs, work(c, "web:v1", true))
	}
	raw, _ := json.Marshal(snap)
	objs = append(objs, &appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "snap", Namespace: "prod", CreationTimestamp: metav1.NewTime(t0),
		Labels: map[string]string{rolloutv1alpha1.BindingLabel: rb.Name, rolloutv1alpha1.RevisionLabel: "r2"}}, Data: runtime.RawExtension{Raw: raw}})
	objs = append(objs, extra...)
	c := fake.NewClientBuilder().WithScheme(scheme.Scheme).WithObjects(objs...).
		WithStatusSubresource(&rolloutv1alpha1.StagedUpdateRun{}, &rolloutv1alpha1.ApprovalRequest{}, &workv1alpha1.Work{}, &karmadaclusterv1alpha1.Cluster{}).Build()
	clk := clocktesting.NewFakePassiveClock(t0)
	return &fixture{c: c, clock: clk, r: &Reconciler{Client: c, Metrics: metricsprovider.None{}, Measurer: analysis.NewMeasurer(), Recorder: events.NewFakeRecorder(100), Clock: clk}}
}

// work is a cluster's Work of web carrying an image, applied and healthy or not.
func work(cluster, image string, healthy bool) *workv1alpha1.Work {
	raw, _ := manifest(image).MarshalJSON()
	health := workv1alpha1.ResourceUnhealthy
	if healthy {
		health = workv1alpha1.ResourceHealthy
	}
	return &workv1alpha1.Work{
		ObjectMeta: metav1.ObjectMeta{Name: workv1alpha2.WorkName(&workv1alpha2.ResourceBinding{ObjectMeta: metav1.ObjectMeta{Name: "web-deployment", Namespace: "prod"}}),
			Namespace: workv1alpha1.ExecutionNamespace(cluster), Generation: 1},
		Spec: workv1alpha1.WorkSpec{Workload: workv1alpha1.WorkloadTemplate{Manifests: []workv1alpha1.Manifest{{RawExtension: runtime.RawExtension{Raw: raw}}}}},
		Status: workv1alpha1.WorkStatus{
			Conditions:       []metav1.Condition{{Type: workv1alpha1.ConditionApplied, Status: metav1.ConditionTrue, Reason: "Applied", ObservedGeneration: 1}},
			ManifestStatuses: []workv1alpha1.ManifestStatus{{Health: health}},
		},
	}
}

// setWork plays the binding controller and the member: the Work carries image.
func (f *fixture) setWork(g Gomega, cluster, image string, healthy bool) {
	want := work(cluster, image, healthy)
	w := &workv1alpha1.Work{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKeyFromObject(want), w)).To(Succeed())
	w.Spec = want.Spec
	g.Expect(f.c.Update(context.Background(), w)).To(Succeed())
	w.Status = want.Status
	g.Expect(f.c.Status().Update(context.Background(), w)).To(Succeed())
}

func (f *fixture) reconcile(g Gomega) *rolloutv1alpha1.StagedUpdateRun {
	_, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: client.ObjectKey{Namespace: "prod", Name: "run"}})
	g.Expect(err).NotTo(HaveOccurred())
	run := &rolloutv1alpha1.StagedUpdateRun{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "run"}, run)).To(Succeed())
	return run
}

func phaseOf(run *rolloutv1alpha1.StagedUpdateRun, name string) rolloutv1alpha1.ClusterPhase {
	for _, c := range run.Status.Clusters {
		if c.Name == name {
			return c.Phase
		}
	}
	return ""
}

func oneStagePerCluster() rolloutv1alpha1.StagedUpdateStrategySpec {
	return rolloutv1alpha1.StagedUpdateStrategySpec{
		ProgressDeadline: &metav1.Duration{Duration: time.Minute},
		Stages: []rolloutv1alpha1.StageConfig{
			{Name: "first", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"name": "sh"}}},
			{Name: "second", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"name": "hz"}}},
		},
	}
}

func TestRunReleasesStageByStage(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, oneStagePerCluster())
	run := f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseProgressing))
	g.Expect(phaseOf(run, "sh")).To(Equal(rolloutv1alpha1.ClusterUpdating))
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterPending), "the second stage waits")

	f.setWork(g, "sh", "web:v2", true)
	run = f.reconcile(g)
	g.Expect(phaseOf(run, "sh")).To(Equal(rolloutv1alpha1.ClusterUpdated))
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterUpdating))

	f.setWork(g, "hz", "web:v2", true)
	run = f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseSucceeded))
	g.Expect(apimeta.IsStatusConditionTrue(run.Status.Conditions, "Succeeded")).To(BeTrue())
}

func TestDeadlineFailsTheClusterAndRollsBack(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, oneStagePerCluster())
	f.reconcile(g)
	f.setWork(g, "sh", "web:v2", false) // applied, never healthy
	f.clock.SetTime(t0.Add(30 * time.Second))
	g.Expect(f.reconcile(g).Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseProgressing), "within the deadline")

	f.clock.SetTime(t0.Add(61 * time.Second))
	run := f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRollingBack), run.Status.Message)
	g.Expect(run.Status.Message).To(ContainSubstring("sh: not healthy within the progress deadline (1m0s)"))
	g.Expect(phaseOf(run, "sh")).To(Equal(rolloutv1alpha1.ClusterRollingBack))
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterPending), "never released, nothing to roll back")

	f.setWork(g, "sh", "web:v1", true)
	run = f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRolledBack))
	g.Expect(phaseOf(run, "sh")).To(Equal(rolloutv1alpha1.ClusterRolledBack))
}

func TestMemberOutageIsAFailureWithItsReason(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, oneStagePerCluster())
	f.reconcile(g)
	sh := &karmadaclusterv1alpha1.Cluster{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Name: "sh"}, sh)).To(Succeed())
	sh.Status.Conditions[0].Status = metav1.ConditionFalse
	g.Expect(f.c.Status().Update(context.Background(), sh)).To(Succeed())
	run := f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseRollingBack))
	g.Expect(run.Status.Message).To(Equal("sh: the cluster is not Ready"))
}

func TestMaxFailuresToleratesAFailedCluster(t *testing.T) {
	g := NewWithT(t)
	strategy := oneStagePerCluster()
	one := intstrFromInt(1)
	strategy.MaxFailures = &one
	f := newFixture(t, strategy)
	f.reconcile(g)
	f.setWork(g, "sh", "web:v2", false)
	f.clock.SetTime(t0.Add(2 * time.Minute))
	run := f.reconcile(g)
	g.Expect(phaseOf(run, "sh")).To(Equal(rolloutv1alpha1.ClusterFailed))
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseProgressing), "one failure is allowed")
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterUpdating), "the next stage goes on")
}

func TestApprovalPausesAndPromoteSkips(t *testing.T) {
	g := NewWithT(t)
	strategy := oneStagePerCluster()
	strategy.Stages[1].BeforeStageTasks = []rolloutv1alpha1.StageTask{{Type: rolloutv1alpha1.StageTaskApproval}}
	strategy.Stages[0].AfterStageTasks = []rolloutv1alpha1.StageTask{{Type: rolloutv1alpha1.StageTaskTimedWait, WaitTime: &metav1.Duration{Duration: time.Minute}}}
	f := newFixture(t, strategy)
	f.reconcile(g)
	f.setWork(g, "sh", "web:v2", true)
	run := f.reconcile(g)
	g.Expect(run.Status.Stages[0].AfterStageTasks[0].Phase).To(Equal(rolloutv1alpha1.TaskRunning), "waiting a minute")

	f.clock.SetTime(t0.Add(61 * time.Second))
	run = f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused))
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterPending))
	req := &rolloutv1alpha1.ApprovalRequest{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: "run-second-beforestage"}, req)).To(Succeed())
	g.Expect(req.Spec).To(Equal(rolloutv1alpha1.ApprovalRequestSpec{RunName: "run", StageName: "second", Reason: "BeforeStage"}))

	// Promote: the stage's gates are skipped.
	run.Annotations = map[string]string{rolloutv1alpha1.PromoteAnnotation: "second"}
	g.Expect(f.c.Update(context.Background(), run)).To(Succeed())
	run = f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseProgressing))
	g.Expect(run.Status.Stages[1].BeforeStageTasks[0].Message).To(ContainSubstring("promoted by the user"))
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterUpdating))
}

func TestMissingStrategyFailsTheRun(t *testing.T) {
	g := NewWithT(t)
	f := newFixture(t, oneStagePerCluster())
	g.Expect(f.c.Delete(context.Background(), &rolloutv1alpha1.StagedUpdateStrategy{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "prod"}})).To(Succeed())
	run := f.reconcile(g)
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhaseFailed))
	g.Expect(run.Status.Message).To(ContainSubstring("StagedUpdateStrategy prod/s does not exist"))
}

func intstrFromInt(i int) intstr.IntOrString { return intstr.FromInt(i) }

// constant answers every query with one sample.
type constant float64

func (c constant) Query(context.Context, string, time.Time) ([]metricsprovider.Sample, error) {
	return []metricsprovider.Sample{{Labels: map[string]string{}, Value: float64(c)}}, nil
}
func (constant) String() string { return "constant" }

func TestInconclusiveAnalysisPausesForApproval(t *testing.T) {
	g := NewWithT(t)
	strategy := oneStagePerCluster()
	strategy.Stages[0].AfterStageTasks = []rolloutv1alpha1.StageTask{{Type: rolloutv1alpha1.StageTaskAnalysis, Analysis: &rolloutv1alpha1.AnalysisTask{
		Templates: []rolloutv1alpha1.AnalysisTemplateRef{{TemplateName: "rate"}}, Scope: rolloutv1alpha1.AnalysisScopeCluster}}}
	tpl := &argoprojv1alpha1.AnalysisTemplate{ObjectMeta: metav1.ObjectMeta{Name: "rate", Namespace: "prod"}, Spec: argoprojv1alpha1.AnalysisTemplateSpec{
		Metrics: []argoprojv1alpha1.Metric{{Name: "rate", SuccessCondition: "result[0] >= 0.99", FailureCondition: "result[0] < 0.9",
			Provider: argoprojv1alpha1.MetricProvider{Prometheus: &argoprojv1alpha1.PrometheusMetric{Query: `up{cluster="{{args.cluster}}"}`}}}},
	}}
	f := newFixture(t, strategy, tpl)
	f.r.Metrics = constant(0.95)
	f.reconcile(g)
	f.setWork(g, "sh", "web:v2", true)
	run := f.reconcile(g)
	task := run.Status.Stages[0].AfterStageTasks[0]
	g.Expect(task.Phase).To(Equal(rolloutv1alpha1.TaskInconclusive), task.Message)
	g.Expect(task.Message).To(ContainSubstring("rate measured [0.95]"))
	g.Expect(run.Status.Phase).To(Equal(rolloutv1alpha1.RunPhasePaused))
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterPending))

	req := &rolloutv1alpha1.ApprovalRequest{}
	g.Expect(f.c.Get(context.Background(), client.ObjectKey{Namespace: "prod", Name: task.ApprovalRequest}, req)).To(Succeed())
	g.Expect(req.Spec.Reason).To(Equal("Inconclusive"))
	apimeta.SetStatusCondition(&req.Status.Conditions, metav1.Condition{Type: rolloutv1alpha1.ConditionApproved, Status: metav1.ConditionTrue, Reason: "Test"})
	g.Expect(f.c.Status().Update(context.Background(), req)).To(Succeed())
	run = f.reconcile(g)
	g.Expect(run.Status.Stages[0].AfterStageTasks[0].Phase).To(Equal(rolloutv1alpha1.TaskSucceeded))
	g.Expect(phaseOf(run, "hz")).To(Equal(rolloutv1alpha1.ClusterUpdating), "approved: the next stage starts")
}
