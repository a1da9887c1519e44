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

package join

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/install"
	"kurator.dev/kurator/internal/progress"
)

// agentLogLines is how much of the agent's log a failed join shows.
const agentLogLines = 10

// describeAgent says how the agent's Pods are doing — phase, container
// state, the reason of the last restart, the end of the log — so that a
// join that times out shows why (an unreachable control plane, a refused
// token, an image that cannot be pulled).
func describeAgent(ctx context.Context, member kubernetes.Interface) string {
	selector := labels.SelectorFromSet(labels.Set{"app.kubernetes.io/name": components.AgentName,
		"app.kubernetes.io/instance": components.AgentReleaseName}).String()
	pods, err := member.CoreV1().Pods(AgentNamespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
	if err != nil {
		return fmt.Sprintf("its Pods cannot be listed: %v", err)
	}
	if len(pods.Items) == 0 {
		return fmt.Sprintf("no Pod of Deployment %s/%s exists", AgentNamespace, components.AgentName)
	}
	var lines []string
	for _, pod := range pods.Items {
		lines = append(lines, fmt.Sprintf("pod %s is %s%s", pod.Name, pod.Status.Phase, podReason(pod)))
		for _, cs := range pod.Status.ContainerStatuses {
			lines = append(lines, "  "+containerState(cs))
		}
		lines = append(lines, agentLog(ctx, member, pod.Name)...)
	}
	return strings.Join(lines, "\n")
}

func podReason(pod corev1.Pod) string {
	if pod.Status.Reason != "" || pod.Status.Message != "" {
		return fmt.Sprintf(" (%s: %s)", pod.Status.Reason, pod.Status.Message)
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status != corev1.ConditionTrue {
			return fmt.Sprintf(" (not scheduled: %s)", c.Message)
		}
	}
	return ""
}

func containerState(cs corev1.ContainerStatus) string {
	s := fmt.Sprintf("container %s: ready=%t, restarts=%d", cs.Name, cs.Ready, cs.RestartCount)
	switch {
	case cs.State.Waiting != nil:
		s += fmt.Sprintf(", waiting (%s: %s)", cs.State.Waiting.Reason, cs.State.Waiting.Message)
	case cs.State.Terminated != nil:
		s += fmt.Sprintf(", terminated (%s, exit code %d)", cs.State.Terminated.Reason, cs.State.Terminated.ExitCode)
	case cs.State.Running != nil:
		s += ", running since " + cs.State.Running.StartedAt.Format(time.RFC3339)
	}
	if last := cs.LastTerminationState.Terminated; last != nil {
		s += fmt.Sprintf("; last exit: %s, code %d", last.Reason, last.ExitCode)
		if msg := strings.TrimSpace(last.Message); msg != "" {
			s += ": " + msg
		}
	}
	return s
}

// agentLog is the end of the agent container's log, when it can be read.
func agentLog(ctx context.Context, member kubernetes.Interface, pod string) []string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	data, err := member.CoreV1().Pods(AgentNamespace).GetLogs(pod, &corev1.PodLogOptions{
		Container: components.AgentName, TailLines: ptr.To[int64](agentLogLines)}).DoRaw(ctx)
	if err != nil {
		return []string{fmt.Sprintf("  its log cannot be read: %v", err)}
	}
	text := strings.TrimRight(string(data), "\n")
	if text == "" {
		return []string{"  its log is empty"}
	}
	lines := []string{"  the last lines of its log:"}
	for _, l := range strings.Split(text, "\n") {
		lines = append(lines, "    "+l)
	}
	return lines
}

// UnjoinPull detaches a pull cluster: its bootstrap tokens, its entries in
// the namespace's Fleets and its Cluster (its Works, execution namespace
// and the agent's access go with it). When member is given, the agent's
// release and its credentials Secret are removed from the member first;
// agentRemoved says so.
func UnjoinPull(ctx context.Context, hub client.Client, namespace, name string, member *install.Release, out io.Writer) (agentRemoved bool, err error) {
	p := progress.New(out)
	if member != nil {
		done := p.Step("Removing the agent from the member (release %s in %s)", member.Name, member.Namespace)
		err = removeAgent(ctx, *member)
		done(err)
		if err != nil {
			return false, err
		}
	}
	done := p.Step("Removing cluster %s from the control plane", name)
	err = removePullCluster(ctx, hub, namespace, name)
	done(err)
	return member != nil, err
}

// removeAgent uninstalls the agent's release and deletes the credentials
// the agent kept, which Helm does not own.
func removeAgent(ctx context.Context, rel install.Release) error {
	member, err := memberClient(ctx, rel)
	if err != nil {
		return err
	}
	if _, err := install.UninstallChart(rel); err != nil {
		return err
	}
	err = member.CoreV1().Secrets(rel.Namespace).Delete(ctx, components.AgentCredentialsSecret, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete Secret %s/%s in the member: %w", rel.Namespace, components.AgentCredentialsSecret, err)
	}
	return nil
}

// removePullCluster forgets the cluster and waits (a minute at most) until
// its Cluster is gone, so that joining it again starts afresh.
func removePullCluster(ctx context.Context, hub client.Client, namespace, name string) error {
	var fleets fleetv1alpha1.FleetList
	if err := hub.List(ctx, &fleets, client.InNamespace(namespace)); err != nil {
		return fmt.Errorf("list fleets in %s: %w", namespace, err)
	}
	for _, f := range fleets.Items {
		if err := removeFromFleet(ctx, hub, namespace, f.Name, name, fleetv1alpha1.FleetClusterKindCluster); err != nil {
			return err
		}
	}
	if err := forgetPullCluster(ctx, hub, name); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		err := hub.Get(ctx, client.ObjectKey{Name: name}, &karmadaclusterv1alpha1.Cluster{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read cluster %s: %w", name, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cluster %s is still being deleted after a minute (its finalizers have not completed)", name)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
