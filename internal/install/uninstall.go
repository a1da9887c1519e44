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

	"helm.sh/helm/v4/pkg/action"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/kubeconfig"
	"kurator.dev/kurator/internal/progress"
)

// hostClient is a clientset of the host and the server URL it reaches.
func hostClient(o Options) (kubernetes.Interface, string, error) {
	cfg, err := o.release().RESTGetter().ToRESTConfig()
	if err != nil {
		return nil, "", fmt.Errorf("read the host's kubeconfig: %w", err)
	}
	cfg.Timeout = requestTimeout
	host, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, cfg.Host, fmt.Errorf("client of the host cluster at %s: %w", cfg.Host, err)
	}
	return host, cfg.Host, nil
}

// Uninstall removes the release. The control plane's claims (its etcd
// data) stay unless o.Purge, as Helm leaves a StatefulSet's claims; the
// kurator context is removed from the user's kubeconfig.
func Uninstall(ctx context.Context, o Options) error {
	o = o.withDefaults()
	p := progress.New(o.Progress)
	host, server, err := hostClient(o)
	if err != nil {
		return err
	}
	if _, err := host.Discovery().ServerVersion(); err != nil {
		return fmt.Errorf("cannot reach the host cluster at %s: %w", server, err)
	}
	cfg, err := o.release().helmConfig()
	if err != nil {
		return err
	}
	done := p.Step("Uninstalling release %s from namespace %s", ReleaseName, o.Namespace)
	err = removeRelease(ctx, cfg, host, o.Namespace, o.Purge, o.Purge)
	done(err)
	if err != nil {
		return err
	}
	if !o.Purge {
		p.Info("kept the control plane's PersistentVolumeClaims (its data) in %s: 'kurator uninstall --purge' deletes them", o.Namespace)
	}
	path, err := o.userKubeconfig()
	if err != nil {
		return err
	}
	done = p.Step("Removing context %q from %s", ContextName, path)
	err = kubeconfig.Remove(path, []string{ContextName})
	done(err)
	return err
}

// removeRelease uninstalls the release if there is one; purge deletes the
// control plane's claims, and dropNamespace the namespace if the installer
// created it.
func removeRelease(ctx context.Context, cfg *action.Configuration, host kubernetes.Interface, namespace string, purge, dropNamespace bool) error {
	if _, err := uninstallRelease(cfg, ReleaseName); err != nil {
		return err
	}
	if purge {
		selector := labels.SelectorFromSet(labels.Set{"app.kubernetes.io/instance": ReleaseName,
			"app.kubernetes.io/component": components.ControlPlaneComponentLabel}).String()
		err := host.CoreV1().PersistentVolumeClaims(namespace).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return fmt.Errorf("delete the control plane's claims in %s: %w", namespace, err)
		}
	}
	if !dropNamespace {
		return nil
	}
	ns, err := host.CoreV1().Namespaces().Get(ctx, namespace, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read namespace %s: %w", namespace, err)
	}
	if ns.Labels[managedNamespaceLabel] != "kurator" {
		return nil
	}
	if err := host.CoreV1().Namespaces().Delete(ctx, namespace, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete namespace %s: %w", namespace, err)
	}
	return nil
}

func (o Options) userKubeconfig() (string, error) {
	if o.UserKubeconfig != "" {
		return o.UserKubeconfig, nil
	}
	path, err := kubeconfig.UserPath()
	if err != nil {
		return "", fmt.Errorf("find the user's kubeconfig: %w", err)
	}
	return path, nil
}
