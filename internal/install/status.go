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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/scheme"
)

// PodStatus is one running replica of an installed component, as the host
// sees it.
type PodStatus struct {
	Name, Component, Node, Version string
	Ready                          bool
	Restarts                       int32
	Created                        time.Time
	Message                        string
}

// InstalledStatus is an installed control plane, from both sides: its pods
// in the host, and its own account (the replicas' etcd reports and the
// controller-manager leader), read through the kurator context.
type InstalledStatus struct {
	Pods         []PodStatus
	ControlPlane components.ControlPlaneStatus
	// ControlPlaneErr says why the control plane could not be asked.
	ControlPlaneErr error
}

// Status reads an installed control plane's state.
func Status(ctx context.Context, o Options) (InstalledStatus, error) {
	o = o.withDefaults()
	var st InstalledStatus
	host, server, err := hostClient(o)
	if err != nil {
		return st, err
	}
	pods, err := host.CoreV1().Pods(o.Namespace).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=kurator,app.kubernetes.io/instance=" + ReleaseName})
	if err != nil {
		return st, fmt.Errorf("list Kurator's pods in namespace %s of %s: %w", o.Namespace, server, err)
	}
	if len(pods.Items) == 0 {
		return st, fmt.Errorf("no Kurator pods in namespace %s of %s: is it installed there ('kurator install')?", o.Namespace, server)
	}
	for _, p := range pods.Items {
		st.Pods = append(st.Pods, podStatus(p))
	}
	sort.Slice(st.Pods, func(i, j int) bool {
		if st.Pods[i].Component != st.Pods[j].Component {
			return st.Pods[i].Component < st.Pods[j].Component // control-plane, then controller-manager
		}
		return st.Pods[i].Name < st.Pods[j].Name
	})
	st.ControlPlane, st.ControlPlaneErr = controlPlaneStatus(ctx, o)
	return st, nil
}

func podStatus(p corev1.Pod) PodStatus {
	s := PodStatus{Name: p.Name, Component: p.Labels["app.kubernetes.io/component"], Node: p.Spec.NodeName,
		Version: p.Labels["app.kubernetes.io/version"], Created: p.CreationTimestamp.Time}
	for _, c := range p.Status.ContainerStatuses {
		s.Restarts += c.RestartCount
		if w := c.State.Waiting; w != nil && w.Reason != "" {
			s.Message = w.Reason
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			s.Ready = c.Status == corev1.ConditionTrue
			if !s.Ready && s.Message == "" {
				s.Message = strings.TrimSpace(c.Reason + " " + c.Message)
			}
		}
	}
	if s.Message == "" {
		s.Message = string(p.Status.Phase)
	}
	return s
}

// controlPlaneStatus asks the control plane itself, through the kurator
// context the install wrote.
func controlPlaneStatus(ctx context.Context, o Options) (components.ControlPlaneStatus, error) {
	path, err := o.userKubeconfig()
	if err != nil {
		return components.ControlPlaneStatus{}, err
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: path},
		&clientcmd.ConfigOverrides{CurrentContext: ContextName}).ClientConfig()
	if err != nil {
		return components.ControlPlaneStatus{}, fmt.Errorf("context %q in %s: %w", ContextName, path, err)
	}
	cfg.Timeout = 5 * time.Second
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		return components.ControlPlaneStatus{}, err
	}
	st, err := components.ReadStatus(ctx, c, time.Now())
	if err != nil {
		return st, fmt.Errorf("the control plane at %s did not answer: %w", cfg.Host, err)
	}
	return st, nil
}
