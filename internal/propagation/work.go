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
package propagation

import (
	"strconv"

	"k8s.io/apimachinery/pkg/runtime"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// SetWork makes w the Work of binding b for one cluster, holding the
// manifest rendered for it (raw): the labels naming the binding, the
// binding generation it is written for, and the binding's deletion and
// dispatching behaviour for that cluster. The binding controller applies it
// to the Work it creates or patches; 'kurator schedule' to the Work it
// prints. A binding not stored yet (a what-if) has no generation to record.
func SetWork(w *workv1alpha1.Work, b workv1alpha2.Binding, cluster string, raw []byte) {
	w.Name, w.Namespace = workv1alpha2.WorkName(b), workv1alpha1.ExecutionNamespace(cluster)
	if w.Labels == nil {
		w.Labels = map[string]string{}
	}
	w.Labels[workv1alpha1.BindingNamespaceLabel], w.Labels[workv1alpha1.BindingNameLabel] = b.GetNamespace(), b.GetName()
	if g := b.GetGeneration(); g != 0 {
		if w.Annotations == nil {
			w.Annotations = map[string]string{}
		}
		w.Annotations[workv1alpha1.BindingGenerationAnnotation] = strconv.FormatInt(g, 10)
	}
	spec := b.BindingSpec()
	w.Spec.Workload.Manifests = []workv1alpha1.Manifest{{RawExtension: runtime.RawExtension{Raw: raw}}}
	w.Spec.PreserveResourcesOnDeletion = spec.PreserveResourcesOnDeletion
	w.Spec.SuspendDispatching = nil
	if s := spec.Suspension; s != nil {
		if s.Dispatching != nil && *s.Dispatching {
			w.Spec.SuspendDispatching = s.Dispatching
		} else if s.DispatchingOnClusters != nil {
			for _, c := range s.DispatchingOnClusters.ClusterNames {
				if c == cluster {
					t := true
					w.Spec.SuspendDispatching = &t
				}
			}
		}
	}
}

// AwaitingReplacement reports whether the binding waits for its new
// placement to run healthy: eviction tasks, or a failback under way. The
// scheduler then watches the binding's Works, and the binding controller
// stamps even unchanged Works with the binding's generation.
func AwaitingReplacement(b workv1alpha2.Binding) bool {
	_, failingBack := b.GetAnnotations()[workv1alpha2.FailbackFromAnnotation]
	return failingBack || len(b.BindingSpec().GracefulEvictionTasks) > 0
}
