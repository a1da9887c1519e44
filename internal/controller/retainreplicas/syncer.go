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

package retainreplicas

import (
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/controller/retry"
	"kurator.dev/kurator/internal/scaletarget"
)

// Syncer writes into a retained, divided template the replicas its members
// run, so that the control plane shows the fleet's count. It is the only
// writer of such a template's replicas, through the scale subresource as
// the autoscalers write them.
//
// The count is the sum of the members' status.replicas from the binding's
// aggregated status, taken only when every target cluster reports its copy
// healthy: a healthy copy has rolled out its spec, so its status.replicas
// is the replicas its member's HPA set, not a count in the middle of a
// rollout. A new template count makes the scheduler divide it again; the
// members keep theirs (their manifests' replicas are not applied), so the
// sum, and the template, stay put.
type Syncer struct {
	Client client.Client
	// Reader reads templates of any kind from the API server, so that no
	// informer is started per kind.
	Reader client.Reader
}

// Reconcile syncs the template of one binding.
func (s *Syncer) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	rb := &workv1alpha2.ResourceBinding{}
	if err := s.Client.Get(ctx, req.NamespacedName, rb); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !rb.DeletionTimestamp.IsZero() || rb.Spec.Placement.ReplicaSchedulingType() != policyv1alpha1.ReplicaSchedulingTypeDivided {
		return ctrl.Result{}, nil
	}
	sum, settled := membersReplicas(rb)
	// The binding holds the template's replicas as the detector last read
	// them: equal, there is nothing to write, and a template that does not
	// retain its replicas is not read at all.
	if !settled || sum == int64(rb.Spec.Replicas) {
		return ctrl.Result{}, nil
	}
	ref := rb.Spec.Resource
	tpl := &metav1.PartialObjectMetadata{}
	tpl.SetGroupVersionKind(schema.FromAPIVersionAndKind(ref.APIVersion, ref.Kind))
	if err := s.Reader.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, tpl); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if tpl.Labels[workv1alpha1.RetainReplicasLabel] != workv1alpha1.RetainReplicasValue || tpl.UID != ref.UID {
		return ctrl.Result{}, nil
	}
	target := scaletarget.Object(s.Client.Scheme(), tpl.GroupVersionKind(), tpl.Namespace, tpl.Name)
	scale, err := scaletarget.Get(ctx, s.Client, target)
	if err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if int64(scale.Spec.Replicas) == sum {
		return ctrl.Result{}, nil
	}
	ctrl.LoggerFrom(ctx).V(1).Info("Template replicas follow the members", "from", scale.Spec.Replicas, "to", sum)
	scale.Spec.Replicas = int32(sum)
	if err := scaletarget.Update(ctx, s.Client, target, scale); err != nil {
		return ctrl.Result{}, fmt.Errorf("write the replicas of %s %s/%s: %w", ref.Kind, ref.Namespace, ref.Name, err)
	}
	return ctrl.Result{}, nil
}

// membersReplicas adds up the replicas the target clusters report, and says
// whether every one of them reported a healthy copy with a replica count.
func membersReplicas(rb *workv1alpha2.ResourceBinding) (int64, bool) {
	reports := make(map[string]workv1alpha2.AggregatedStatusItem, len(rb.Status.AggregatedStatus))
	for _, item := range rb.Status.AggregatedStatus {
		reports[item.ClusterName] = item
	}
	var sum int64
	for _, t := range rb.Spec.Clusters {
		item, ok := reports[t.Name]
		if !ok || item.Health != workv1alpha2.ResourceHealthy || item.Status == nil {
			return 0, false
		}
		var status struct {
			Replicas *int64 `json:"replicas"`
		}
		if err := json.Unmarshal(item.Status.Raw, &status); err != nil || status.Replicas == nil {
			return 0, false
		}
		sum += *status.Replicas
	}
	return sum, len(rb.Spec.Clusters) > 0
}

// SetupWithManager watches ResourceBindings: their aggregated status
// carries the members' counts.
func (s *Syncer) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).
		Named("retain-replicas-syncer").
		For(&workv1alpha2.ResourceBinding{}).
		Complete(retry.OnConflict(s))
}
