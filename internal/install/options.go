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

// Package install puts Kurator's control plane into an existing host
// cluster by installing the embedded Helm chart (charts/kurator) with the
// Helm SDK, and takes it out again.
package install

import (
	"fmt"
	"io"
	"strings"
	"time"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/version"
)

// DefaultNamespace is where the control plane is installed unless told.
const DefaultNamespace = "kurator-system"

// ContextName is the context added to the user's kubeconfig.
const ContextName = "kurator"

// requestTimeout bounds each request to the host, so that an unreachable
// host fails the preflight instead of hanging it.
const requestTimeout = 15 * time.Second

// Options are the settings of Install and Uninstall.
type Options struct {
	// Kubeconfig and Context select the HOST cluster (empty: kubectl's
	// defaults).
	Kubeconfig, Context string
	// Namespace of the release (DefaultNamespace when empty).
	Namespace string
	// Replicas of the control plane and of the controller-manager; 0 keeps
	// the chart's default.
	Replicas, ControllerManagerReplicas int
	// Image is repository[:tag]; empty: the chart's repository with this
	// binary's version as tag.
	Image string
	// StorageSize and StorageClass of each control-plane replica's claim.
	StorageSize, StorageClass string
	// ServiceType of the control plane's Service.
	ServiceType string
	// Lease timings of the controller-manager's leader election; empty
	// fields keep the chart's defaults.
	Lease components.LeaseTimings
	// Set are Helm --set values and ValuesFiles -f files, merged by Helm;
	// they override the settings above.
	Set, ValuesFiles []string
	// Endpoint is the URL the kurator context reaches the control plane
	// at; it is also added to the serving certificate.
	Endpoint string
	// Wait bounds the wait for ready workloads.
	Wait time.Duration
	// DryRun renders every object without creating any.
	DryRun bool
	// UserKubeconfig receives the kurator context (empty: kubectl's
	// kubeconfig, as kubeconfig.UserPath says).
	UserKubeconfig string
	// Purge also deletes the control plane's claims, and so its data, on
	// Uninstall.
	Purge bool
	// Progress receives step lines (nil: silent).
	Progress io.Writer
}

func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Wait == 0 {
		o.Wait = 5 * time.Minute
	}
	return o
}

// setValues turns the typed settings into Helm --set entries, placed
// before the user's own so that those win.
func (o Options) setValues() []string {
	var set []string
	add := func(key string, value any) { set = append(set, fmt.Sprintf("%s=%v", key, value)) }
	if o.Replicas != 0 {
		add("controlPlane.replicas", o.Replicas)
	}
	if o.ControllerManagerReplicas != 0 {
		add("controllerManager.replicas", o.ControllerManagerReplicas)
	}
	image := ImageValues(o.Image)
	for _, key := range []string{"repository", "tag"} {
		if value, ok := image[key]; ok {
			add("image."+key, value)
		}
	}
	for key, value := range map[string]string{
		"controlPlane.storage.size":             o.StorageSize,
		"controlPlane.storage.storageClassName": o.StorageClass,
		"controlPlane.service.type":             o.ServiceType,
		"controllerManager.leaseDuration":       o.Lease.Duration,
		"controllerManager.renewDeadline":       o.Lease.RenewDeadline,
		"controllerManager.retryPeriod":         o.Lease.RetryPeriod,
	} {
		if value != "" {
			add(key, value)
		}
	}
	return append(set, o.Set...)
}

// ImageValues are the image values of Kurator's charts for an --image
// flag, repository[:tag]: empty keeps the chart's repository, tagged with
// this binary's version.
func ImageValues(image string) map[string]any {
	values := map[string]any{}
	repository, tag := splitImage(image)
	if repository != "" {
		values["repository"] = repository
	}
	if tag == "" && repository == "" {
		tag = version.Version
	}
	if tag != "" {
		values["tag"] = tag
	}
	return values
}

// splitImage splits repository[:tag]; a colon before the last slash is a
// registry's port.
func splitImage(image string) (repository, tag string) {
	i := strings.LastIndex(image, ":")
	if i < 0 || strings.LastIndex(image, "/") > i {
		return image, ""
	}
	return image[:i], image[i+1:]
}
