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

package install

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"kurator.dev/kurator/internal/components"
)

// pollInterval is how often the wait reads the workloads' status.
const pollInterval = time.Second

// waitForControlPlane waits until every replica of the StatefulSet is
// ready at its current revision.
func waitForControlPlane(ctx context.Context, host kubernetes.Interface, namespace string, deadline time.Time) error {
	return waitFor(ctx, host, namespace, components.ControlPlaneComponentLabel, deadline, func() (bool, error) {
		sts, err := host.AppsV1().StatefulSets(namespace).Get(ctx, components.ControlPlaneName, metav1.GetOptions{})
		if err != nil {
			return false, ignoreNotFound(err)
		}
		want := int32(1)
		if sts.Spec.Replicas != nil {
			want = *sts.Spec.Replicas
		}
		return sts.Status.ObservedGeneration >= sts.Generation && sts.Status.ReadyReplicas == want &&
			sts.Status.UpdatedReplicas == want, nil
	})
}

// waitForControllerManager waits until every replica of the Deployment is
// ready at its current template.
func waitForControllerManager(ctx context.Context, host kubernetes.Interface, namespace string, deadline time.Time) error {
	return waitFor(ctx, host, namespace, components.ControllerManagerComponentLabel, deadline, func() (bool, error) {
		d, err := host.AppsV1().Deployments(namespace).Get(ctx, components.ControllerManagerName, metav1.GetOptions{})
		if err != nil {
			return false, ignoreNotFound(err)
		}
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		return d.Status.ObservedGeneration >= d.Generation && d.Status.ReadyReplicas == want &&
			d.Status.UpdatedReplicas == want && d.Status.Replicas == want, nil
	})
}

func ignoreNotFound(err error) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// waitFor polls ready until it holds or the deadline passes; then it says
// which pods of the component are not ready and why.
func waitFor(ctx context.Context, host kubernetes.Interface, namespace, component string, deadline time.Time, ready func() (bool, error)) error {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		ok, err := ready()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			why := describeNotReady(context.WithoutCancel(ctx), host, namespace, component)
			return fmt.Errorf("%s not ready in time: %s", component, why)
		case <-ticker.C:
		}
	}
}

// describeNotReady lists the component's pods that are not ready, with
// their unmet conditions and warning events.
func describeNotReady(ctx context.Context, host kubernetes.Interface, namespace, component string) string {
	selector := labels.SelectorFromSet(labels.Set{"app.kubernetes.io/component": component, "app.kubernetes.io/instance": ReleaseName}).String()
	pods, err := host.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return fmt.Sprintf("cannot list its pods: %v", err)
	}
	if len(pods.Items) == 0 {
		return "no pod was created" + warnings(ctx, host, namespace, "")
	}
	var lines []string
	for _, pod := range pods.Items {
		var unmet []string
		for _, c := range pod.Status.Conditions {
			if c.Status != corev1.ConditionTrue {
				unmet = append(unmet, fmt.Sprintf("%s=%s (%s: %s)", c.Type, c.Status, c.Reason, c.Message))
			}
		}
		if len(unmet) == 0 && pod.Status.Phase == corev1.PodRunning {
			continue
		}
		lines = append(lines, fmt.Sprintf("pod %s is %s: %s%s", pod.Name, pod.Status.Phase, strings.Join(unmet, "; "),
			warnings(ctx, host, namespace, pod.Name)))
	}
	if len(lines) == 0 {
		return "its pods are ready but the workload has not caught up"
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// warnings are the Warning events of an object (any, when name is empty).
func warnings(ctx context.Context, host kubernetes.Interface, namespace, name string) string {
	opts := metav1.ListOptions{FieldSelector: "type=Warning"}
	if name != "" {
		opts.FieldSelector += ",involvedObject.name=" + name
	}
	events, err := host.CoreV1().Events(namespace).List(ctx, opts)
	if err != nil || len(events.Items) == 0 {
		return ""
	}
	var msgs []string
	for _, e := range events.Items {
		msgs = append(msgs, fmt.Sprintf("%s %s: %s", e.InvolvedObject.Name, e.Reason, e.Message))
	}
	return "; events: " + strings.Join(msgs, "; ")
}
