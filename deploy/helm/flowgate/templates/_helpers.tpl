{{/* Chart name, truncated to the 63 characters Kubernetes allows. */}}
{{- define "flowgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified release name. */}}
{{- define "flowgate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "flowgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Common labels. */}}
{{- define "flowgate.labels" -}}
helm.sh/chart: {{ include "flowgate.chart" . }}
app.kubernetes.io/name: {{ include "flowgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: flowgate
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "gateway"). */}}
{{- define "flowgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flowgate.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "flowgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flowgate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* image reference: (dict "root" $ "image" .Values.gateway.image). */}}
{{- define "flowgate.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding DATABASE_URL, and its key. */}}
{{- define "flowgate.databaseSecretName" -}}
{{- default (printf "%s-db" (include "flowgate.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}
{{- define "flowgate.databaseSecretKey" -}}
{{- if .Values.database.existingSecret -}}{{ .Values.database.existingSecretKey }}{{- else -}}DATABASE_URL{{- end -}}
{{- end -}}

{{/* FLOWGATE_MIGRATE for the long-running processes: off when the migrations Job does it. */}}
{{- define "flowgate.migrateAtStart" -}}
{{- if .Values.migrations.enabled -}}false{{- else -}}true{{- end -}}
{{- end -}}

{{/* Fails the render when required values are missing. */}}
{{- define "flowgate.validate" -}}
{{- if and (not .Values.database.existingSecret) (not .Values.database.url) -}}
{{- fail "set database.url (a postgres:// URL) or database.existingSecret" -}}
{{- end -}}
{{- if and .Values.database.url (not (regexMatch "^postgres(ql)?://" .Values.database.url)) -}}
{{- fail "database.url must be a postgres:// or postgresql:// URL" -}}
{{- end -}}
{{- if not (regexMatch "^[^:/\\s]+:[0-9]+$" .Values.config.temporalAddress) -}}
{{- fail "config.temporalAddress must be host:port" -}}
{{- end -}}
{{- end -}}

{{/* Environment of every Flowgate container: the ConfigMap plus DATABASE_URL from the Secret. */}}
{{- define "flowgate.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "flowgate.databaseSecretName" . }}
      key: {{ include "flowgate.databaseSecretKey" . }}
{{- range $name, $value := .Values.config.extraEnv }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Pod-level settings shared by every workload. */}}
{{- define "flowgate.podCommon" -}}
serviceAccountName: {{ include "flowgate.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountServiceAccountToken }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
