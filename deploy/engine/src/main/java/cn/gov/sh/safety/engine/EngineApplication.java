package cn.gov.sh.safety.engine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Host for the Operaton process engine. Configuration only: the processes,
 * workers and business rules live outside Java (BPMN/DMN in processes/,
 * external-task workers in workers/).
 */
@SpringBootApplication
public class EngineApplication {

  public static void main(String[] args) {
    SpringApplication.run(EngineApplication.class, args);
  }
}
