import { defineQuery } from '@temporalio/workflow';
import { PROGRESS_QUERY } from '../wire/names';
import type { RunProgress } from '../wire/run.types';

/** The live run tree (clients may also query by the PROGRESS_QUERY name). */
export const progressQuery = defineQuery<RunProgress>(PROGRESS_QUERY);
