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
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
)

// defaultStepDuration is how long each canary step soaks.
const defaultStepDuration = time.Minute

// startCanary sets a stage's first canary step before its clusters are
// released, so the new revision receives only that share from its first pod.
func (r *Reconciler) startCanary(ctx context.Context, s *scope, i int) error {
	stage, cfg := &s.run.Status.Stages[i], s.stages[i].Config.Canary
	if cfg == nil || stage.CanaryStep != nil {
		return nil
	}
	first := int32(0)
	stage.CanaryStep, stage.CanaryStepTime = &first, &metav1.Time{Time: s.now}
	return r.setCanaryWeights(ctx, s, cfg.TrafficPolicy, stage.Clusters, cfg.Steps[0])
}

// advanceCanary moves to the next step once the current one has soaked, and
// reports whether the last step has soaked.
func (r *Reconciler) advanceCanary(ctx context.Context, s *scope, i int) (bool, error) {
	stage, cfg := &s.run.Status.Stages[i], s.stages[i].Config.Canary
	if cfg == nil || stage.CanaryStep == nil {
		return true, nil
	}
	soak := defaultStepDuration
	if cfg.StepDuration != nil {
		soak = cfg.StepDuration.Duration
	}
	next := stage.CanaryStepTime.Add(soak)
	if s.now.Before(next) {
		s.after(next)
		return false, nil
	}
	step := *stage.CanaryStep + 1
	if int(step) >= len(cfg.Steps) {
		return true, nil
	}
	stage.CanaryStep, stage.CanaryStepTime = &step, &metav1.Time{Time: s.now}
	s.after(s.now.Add(soak))
	r.condition(s, "Progressing", metav1.ConditionTrue, "CanaryStep",
		fmt.Sprintf("stage %s: its clusters get %d%% of their traffic", stage.Name, cfg.Steps[step]))
	return false, r.setCanaryWeights(ctx, s, cfg.TrafficPolicy, stage.Clusters, cfg.Steps[step])
}

// endCanary gives the stage's clusters their full share back.
func (r *Reconciler) endCanary(ctx context.Context, s *scope, i int) error {
	cfg := s.stages[i].Config.Canary
	if cfg == nil {
		return nil
	}
	return r.setCanaryWeights(ctx, s, cfg.TrafficPolicy, nil, 0)
}

// setCanaryWeights writes (or, without clusters, removes) the canary
// annotation on the TrafficPolicy.
func (r *Reconciler) setCanaryWeights(ctx context.Context, s *scope, policy string, clusters []string, percent int32) error {
	tp := &networkingv1alpha1.TrafficPolicy{}
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: s.run.Namespace, Name: policy}, tp); err != nil {
		if client.IgnoreNotFound(err) == nil && len(clusters) > 0 {
			return fmt.Errorf("canary: TrafficPolicy %s/%s: %w", s.run.Namespace, policy, err)
		}
		return client.IgnoreNotFound(err)
	}
	patch := client.MergeFrom(tp.DeepCopy())
	annotations := tp.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	if len(clusters) == 0 {
		if _, ok := annotations[rolloutv1alpha1.CanaryWeightsAnnotation]; !ok {
			return nil
		}
		delete(annotations, rolloutv1alpha1.CanaryWeightsAnnotation)
	} else {
		weights := map[string]int32{}
		for _, c := range clusters {
			weights[c] = percent
		}
		raw, _ := json.Marshal(weights)
		annotations[rolloutv1alpha1.CanaryWeightsAnnotation] = string(raw)
	}
	tp.SetAnnotations(annotations)
	return r.Client.Patch(ctx, tp, patch)
}
