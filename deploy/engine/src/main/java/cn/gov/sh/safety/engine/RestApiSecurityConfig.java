package cn.gov.sh.safety.engine;

import org.operaton.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.operaton.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Requires HTTP Basic credentials (an engine user, checked against the engine's identity
 * service) on every request to the REST API at /engine-rest. Configuration only.
 */
@Configuration(proxyBeanMethods = false)
public class RestApiSecurityConfig {

  static final String REST_PATH = "/engine-rest";

  @Bean
  FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthenticationFilter() {
    // The stock filter lets anonymous callers list engine names (GET /engine-rest/engine).
    // The REST API is internal and service-only, so nothing is served without credentials.
    ProcessEngineAuthenticationFilter filter = new ProcessEngineAuthenticationFilter() {
      @Override
      protected boolean requiresEngineAuthentication(String requestUrl) {
        return true;
      }
    };
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration = new FilterRegistrationBean<>(filter);
    registration.setName("engine-rest-authentication");
    registration.addInitParameter(
        ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM, HttpBasicAuthenticationProvider.class.getName());
    registration.addInitParameter(ProcessEngineAuthenticationFilter.SERVLET_PATH_PREFIX, REST_PATH);
    registration.addUrlPatterns(REST_PATH + "/*");
    return registration;
  }
}
