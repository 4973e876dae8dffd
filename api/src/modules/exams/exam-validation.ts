import { levelLabels, scheduleProblems, type ExamProblem, type ExamStructure } from '../../contracts/exams';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // Shanghai keeps no daylight saving time.

/** The calendar year of an instant in Shanghai. */
function shanghaiYear(epochMs: number): number {
  return new Date(epochMs + SHANGHAI_OFFSET_MS).getUTCFullYear();
}

/**
 * Everything that keeps an exam from being published (M22), all at once, in Chinese: the schedule
 * (registration, then payment, then ticket printing, then the sessions), majors, subjects with fees,
 * question types and sessions, and levels whose majors and subjects make a sittable exam for every
 * major they offer. An empty list: the exam may be published.
 */
export function publishProblems(s: ExamStructure): ExamProblem[] {
  const problems: ExamProblem[] = [...scheduleProblems(s.exam)];
  const add = (field: string, message: string) => problems.push({ field, message });
  const examMajors = new Set(s.majors.map((m) => m.code));
  const majorName = (code: string) => s.majors.find((m) => m.code === code)?.name ?? code;
  const subjectByCode = new Map(s.subjects.map((x) => [x.code, x]));
  const subjectName = (code: string) => subjectByCode.get(code)?.name ?? code;

  // Sessions: the ticket printing window opens before the first one and closes by the end of the last.
  const sessions = s.exam.sessions;
  if (sessions.length === 0) {
    add('sessions', '请设置考试时间（至少一个考试场次）');
  } else {
    const first = Math.min(...sessions.map((x) => Date.parse(x.startsAt)));
    const last = Math.max(...sessions.map((x) => Date.parse(x.endsAt)));
    if (Date.parse(s.exam.ticketPrintStart) >= first) add('ticketPrintStart', '准考证打印开始时间应早于首场考试开始时间');
    if (Date.parse(s.exam.ticketPrintEnd) > last) add('ticketPrintEnd', '准考证打印结束时间不能晚于最后一场考试结束时间');
    const examYear = shanghaiYear(first);
    if (examYear !== s.exam.year) add('year', `考试年度（${s.exam.year}年）与考试日期（${examYear}年）不一致`);
    for (const x of sessions) if (!subjectByCode.has(x.subjectCode)) add(`sessions.${x.subjectCode}`, `考试场次的科目「${x.subjectCode}」不存在`);
  }

  if (s.majors.length === 0) add('majors', '请至少设置一个考试专业');

  if (s.subjects.length === 0) add('subjects', '请至少设置一个考试科目');
  for (const subject of s.subjects) {
    const at = `subjects.${subject.code}`;
    if (subject.majorCode !== null && !examMajors.has(subject.majorCode)) add(`${at}.majorCode`, `科目「${subject.name}」所属专业「${subject.majorCode}」不在本次考试的专业中`);
    if (subject.questionTypes.length === 0) add(`${at}.questionTypes`, `科目「${subject.name}」未设置题型`);
    if (subject.feeFen <= 0) add(`${at}.feeFen`, `科目「${subject.name}」的费用应大于0元`);
  }

  if (s.levels.length === 0) add('levels', '请至少设置一个报考级别');
  const sittable = new Set<string>();
  for (const level of s.levels) {
    // The level's own name, with its kind when the admin renamed it (e.g. 「增报专业」（考增项）).
    const label = levelLabels[level.code];
    const name = level.name === label ? `报考级别「${level.name}」` : `报考级别「${level.name}」（${label}）`;
    const majorsAt = `levels.${level.code}.majorCodes`;
    const subjectsAt = `levels.${level.code}.subjectCodes`;
    if (level.majorCodes.length === 0) add(majorsAt, `${name}未绑定专业`);
    for (const code of level.majorCodes) if (!examMajors.has(code)) add(majorsAt, `${name}绑定的专业「${majorName(code)}」不在本次考试的专业中`);
    if (level.subjectCodes.length === 0) add(subjectsAt, `${name}未绑定科目`);

    const subjects = level.subjectCodes.flatMap((code) => {
      const subject = subjectByCode.get(code);
      if (!subject) add(subjectsAt, `${name}绑定的科目「${code}」不存在`);
      return subject ? [subject] : [];
    });
    for (const subject of subjects) {
      sittable.add(subject.code);
      if (subject.majorCode !== null && !level.majorCodes.includes(subject.majorCode)) {
        add(subjectsAt, `${name}绑定了科目「${subject.name}」，但未绑定其所属专业「${majorName(subject.majorCode)}」`);
      }
    }
    const publicSubjects = subjects.filter((x) => x.majorCode === null);
    if (level.code === 'full' && publicSubjects.length === 0) add(subjectsAt, `${name}须绑定公共科目`);
    if (level.code === 'additional') {
      for (const subject of publicSubjects) add(subjectsAt, `${name}只考专业科目，不能绑定公共科目「${subject.name}」`);
    }
    for (const code of level.majorCodes.filter((c) => examMajors.has(c))) {
      const ofMajor = subjects.filter((x) => x.majorCode === code);
      // 考单科 may offer only public subjects to a major; 考全科 and 考增项 sit that major's 专业科目.
      if (level.code === 'single' ? ofMajor.length + publicSubjects.length === 0 : ofMajor.length === 0) {
        add(subjectsAt, `${name}未绑定专业「${majorName(code)}」的${level.code === 'single' ? '可报考' : '专业'}科目`);
      }
    }
  }

  const scheduled = new Set(sessions.map((x) => x.subjectCode));
  for (const code of sittable) if (!scheduled.has(code)) add(`sessions.${code}`, `科目「${subjectName(code)}」未设置考试时间`);
  return problems;
}
