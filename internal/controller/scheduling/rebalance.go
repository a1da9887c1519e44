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

package scheduling

import (
	"encoding/json"

	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// rebalanceHandover makes a reschedule trigger's move graceful, as a
// failback is: the clusters giving replicas up keep running what they ran
// until the new placement is healthy, so the ready count never drops on the
// way. It returns the annotations that say so, nil when nothing moves away
// or another move is under way (then the new decision applies at once).
func rebalanceHandover(b workv1alpha2.Binding, res *scheduler.Result) map[string]string {
	spec := b.BindingSpec()
	if res == nil || len(spec.GracefulEvictionTasks) > 0 {
		return nil
	}
	if _, busy := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]; busy {
		return nil
	}
	from := givingUp(spec.Clusters, res.Clusters)
	if len(from) == 0 {
		return nil
	}
	encoded, err := json.Marshal(from)
	if err != nil {
		return nil
	}
	return map[string]string{workv1alpha2.FailbackFromAnnotation: string(encoded), workv1alpha2.HandoverReasonAnnotation: workv1alpha2.HandoverRebalance}
}

// givingUp lists, with what they run, the clusters of the decision in
// force that a new decision gives fewer replicas or none: they keep theirs
// until the new placement is healthy.
func givingUp(current []workv1alpha2.TargetCluster, decided []framework.TargetCluster) map[string]int32 {
	from := map[string]int32{}
	for _, t := range current {
		kept := false
		for _, d := range decided {
			if d.Name == t.Name {
				kept = d.Replicas >= int64(t.Replicas)
			}
		}
		if !kept {
			from[t.Name] = t.Replicas
		}
	}
	return from
}
