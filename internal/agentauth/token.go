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

package agentauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	bootstrapapi "k8s.io/cluster-bootstrap/token/api"
	bootstraputil "k8s.io/cluster-bootstrap/token/util"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// CreateBootstrapToken creates a bootstrap token that lets the agent of
// cluster ask for its certificate until ttl has passed, and returns it as
// "<id>.<secret>". The token authenticates as system:bootstrap:<id> in
// BootstrappersGroup and ClusterBootstrappersGroup(cluster). The API server
// reads tokens from its Secret cache, so a new token may be refused
// (401) for a moment: an agent retries.
func CreateBootstrapToken(ctx context.Context, c client.Client, cluster string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", fmt.Errorf("bootstrap token for cluster %q: ttl must be positive, got %s", cluster, ttl)
	}
	// The API server ignores extra groups outside this pattern, so a cluster
	// name that does not fit (upper case, dots) could never bootstrap.
	group := ClusterBootstrappersGroup(cluster)
	if err := bootstraputil.ValidateBootstrapGroupName(group); err != nil {
		return "", fmt.Errorf("bootstrap token for cluster %q: the cluster name must be lower-case letters, digits and '-': %w", cluster, err)
	}
	token, err := bootstraputil.GenerateBootstrapToken()
	if err != nil {
		return "", fmt.Errorf("generate bootstrap token: %w", err)
	}
	id, secret, _ := strings.Cut(token, ".")
	expiration := time.Now().Add(ttl).UTC().Format(time.RFC3339)
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name:      bootstraputil.BootstrapTokenSecretName(id),
			Namespace: metav1.NamespaceSystem,
			Labels:    map[string]string{ClusterLabel: cluster},
		},
		Type: bootstrapapi.SecretTypeBootstrapToken,
		Data: map[string][]byte{
			bootstrapapi.BootstrapTokenIDKey:               []byte(id),
			bootstrapapi.BootstrapTokenSecretKey:           []byte(secret),
			bootstrapapi.BootstrapTokenExpirationKey:       []byte(expiration),
			bootstrapapi.BootstrapTokenUsageAuthentication: []byte("true"),
			bootstrapapi.BootstrapTokenExtraGroupsKey:      []byte(BootstrappersGroup + "," + group),
			bootstrapapi.BootstrapTokenDescriptionKey:      []byte("Bootstrap token of the kurator agent of cluster " + cluster),
		},
	}
	if err := c.Create(ctx, s); err != nil {
		return "", fmt.Errorf("create bootstrap token secret for cluster %q: %w", cluster, err)
	}
	return token, nil
}

// DeleteBootstrapTokens deletes every bootstrap token of cluster: those
// labelled for it, and those whose extra groups name it.
func DeleteBootstrapTokens(ctx context.Context, c client.Client, cluster string) error {
	secrets := &corev1.SecretList{}
	if err := c.List(ctx, secrets, client.InNamespace(metav1.NamespaceSystem)); err != nil {
		return fmt.Errorf("list bootstrap tokens of cluster %q: %w", cluster, err)
	}
	var errs []error
	for i := range secrets.Items {
		s := &secrets.Items[i]
		if !isTokenOf(s, cluster) {
			continue
		}
		if err := c.Delete(ctx, s); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete bootstrap token %s: %w", s.Name, err))
		}
	}
	return errors.Join(errs...)
}

// isTokenOf reports whether s is a bootstrap token of cluster.
func isTokenOf(s *corev1.Secret, cluster string) bool {
	if s.Type != bootstrapapi.SecretTypeBootstrapToken {
		return false
	}
	if s.Labels[ClusterLabel] == cluster {
		return true
	}
	groups := strings.Split(string(s.Data[bootstrapapi.BootstrapTokenExtraGroupsKey]), ",")
	for i := range groups {
		groups[i] = strings.TrimSpace(groups[i])
	}
	return slices.Contains(groups, ClusterBootstrappersGroup(cluster))
}
