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

// Package karmadaconfig puts a KarmadaConfig in force: it picks the one in
// force (the first valid one by name), hands its settings to the running
// scheduler (on every replica, so a new leader starts with them) and
// writes each KarmadaConfig's Applied condition (on the leader).
package karmadaconfig

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	karmadaconfigv1alpha1 "kurator.dev/kurator/api/karmadaconfig/v1alpha1"
	"kurator.dev/kurator/internal/scheduler/tuning"
)

// resolve turns a spec into the values it puts in force, defaults where it
// is silent. Out-of-range settings (the schema refuses them, but objects
// may predate it) make it invalid as a whole.
func resolve(spec karmadaconfigv1alpha1.KarmadaConfigSpec, defaults tuning.Values) (tuning.Values, error) {
	v := defaults
	var problems []error
	if p := spec.Scheduler.Parallelism; p != nil {
		if *p < 1 || *p > karmadaconfigv1alpha1.MaxParallelism {
			problems = append(problems, fmt.Errorf("spec.scheduler.parallelism %d is not between 1 and %d", *p, karmadaconfigv1alpha1.MaxParallelism))
		}
		v.Parallelism = *p
	}
	if p := spec.Scheduler.PercentOfNodesToScore; p != nil {
		if *p < 0 || *p > 100 {
			problems = append(problems, fmt.Errorf("spec.scheduler.percentOfNodesToScore %d is not between 0 and 100", *p))
		}
		v.PercentOfClustersToScore = *p
	}
	if d := spec.Scheduler.CacheSyncTimeout; d != nil {
		if err := checkDuration("spec.scheduler.cacheSyncTimeout", d.Duration, karmadaconfigv1alpha1.MaxCacheSyncTimeout); err != nil {
			problems = append(problems, err)
		}
		v.CacheSyncTimeout = d.Duration
	}
	if d := spec.Estimator.Timeout; d != nil {
		if err := checkDuration("spec.estimator.timeout", d.Duration, karmadaconfigv1alpha1.MaxEstimatorTimeout); err != nil {
			problems = append(problems, err)
		}
		v.EstimatorTimeout = d.Duration
	}
	if len(problems) > 0 {
		return defaults, errors.Join(problems...)
	}
	return v, nil
}

func checkDuration(field string, d, most time.Duration) error {
	if d <= 0 || d > most {
		return fmt.Errorf("%s %s is not above 0s and at most %s", field, d, most)
	}
	return nil
}

// choice is the KarmadaConfig in force and why each other one is not.
type choice struct {
	// inForce is the name of the KarmadaConfig in force; empty: none, the
	// defaults apply.
	inForce string
	values  tuning.Values
	// invalid are the KarmadaConfigs refused, with why.
	invalid map[string]error
}

// choose picks the first valid KarmadaConfig by name. KarmadaConfigs being
// deleted are left out.
func choose(items []karmadaconfigv1alpha1.KarmadaConfig, defaults tuning.Values) choice {
	sorted := make([]*karmadaconfigv1alpha1.KarmadaConfig, 0, len(items))
	for i := range items {
		if items[i].DeletionTimestamp.IsZero() {
			sorted = append(sorted, &items[i])
		}
	}
	slices.SortFunc(sorted, func(a, b *karmadaconfigv1alpha1.KarmadaConfig) int { return strings.Compare(a.Name, b.Name) })
	c := choice{values: defaults, invalid: map[string]error{}}
	for _, kc := range sorted {
		v, err := resolve(kc.Spec, defaults)
		switch {
		case err != nil:
			c.invalid[kc.Name] = err
		case c.inForce == "":
			c.inForce, c.values = kc.Name, v
		}
	}
	return c
}

// applied is the Applied condition of one KarmadaConfig under c, and the
// effective values when it is the one in force.
func (c choice) applied(kc *karmadaconfigv1alpha1.KarmadaConfig) (metav1.Condition, *karmadaconfigv1alpha1.EffectiveSettings) {
	cond := metav1.Condition{Type: karmadaconfigv1alpha1.ConditionApplied, Status: metav1.ConditionFalse, ObservedGeneration: kc.Generation}
	if err, bad := c.invalid[kc.Name]; bad {
		cond.Reason, cond.Message = karmadaconfigv1alpha1.ReasonInvalid, "Ignored: "+err.Error()
		return cond, nil
	}
	if kc.Name != c.inForce {
		cond.Reason = karmadaconfigv1alpha1.ReasonSuperseded
		cond.Message = fmt.Sprintf("KarmadaConfig %s is in force: only the first valid KarmadaConfig by name applies", c.inForce)
		return cond, nil
	}
	v := c.values
	cond.Status, cond.Reason = metav1.ConditionTrue, karmadaconfigv1alpha1.ReasonApplied
	cond.Message = fmt.Sprintf("In force without a restart: parallelism %d, percentOfNodesToScore %d, estimator timeout %s; cacheSyncTimeout %s bounds the member syncs that start after it was applied",
		v.Parallelism, v.PercentOfClustersToScore, v.EstimatorTimeout, v.CacheSyncTimeout)
	return cond, &karmadaconfigv1alpha1.EffectiveSettings{
		Parallelism: v.Parallelism, PercentOfNodesToScore: v.PercentOfClustersToScore,
		CacheSyncTimeout: metav1.Duration{Duration: v.CacheSyncTimeout}, EstimatorTimeout: metav1.Duration{Duration: v.EstimatorTimeout},
	}
}
